"""Data validation (milestone data-validation): a Great Expectations suite guards the pipeline's
input. An ephemeral context keeps everything in memory: nothing is written, nothing is sent."""

from __future__ import annotations

import sys

import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig

FEATURES = [
    "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
    "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
    "od280/od315_of_diluted_wines", "proline",
]  # fmt: skip


class ValidationError(ValueError):
    """The batch broke the contract; `problems` lists the failed expectations."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} failed expectation(s): " + "; ".join(problems))
        self.problems = problems


def suite() -> gx.ExpectationSuite:
    e = gx.expectations
    return gx.ExpectationSuite(
        name="wine-raw",
        expectations=[
            e.ExpectTableColumnsToMatchSet(column_set=[*FEATURES, "label"], exact_match=True),
            e.ExpectTableRowCountToBeBetween(min_value=100),
            *[e.ExpectColumnValuesToNotBeNull(column=c) for c in [*FEATURES, "label"]],
            *[e.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in FEATURES],
            e.ExpectColumnValuesToBeBetween(column="alcohol", min_value=8, max_value=16),
            e.ExpectColumnValuesToBeInSet(column="label", value_set=[0, 1, 2]),
        ],
    )


def validate(df: pd.DataFrame) -> pd.DataFrame:
    """df itself when it keeps the contract; ValidationError lists every broken expectation."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("wine")
        .add_dataframe_asset("raw")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": df})
    )
    result = batch.validate(context.suites.add(suite()))
    if not result.success:
        problems = []
        for r in result.results:
            if not r.success:
                column = r.expectation_config.kwargs.get("column", "table")
                count = r.result.get("unexpected_count")
                problems.append(f"{r.expectation_config.type}({column})" + (f": {count} row(s)" if count else ""))
        raise ValidationError(problems)
    return df


def main(path: str) -> int:
    try:
        df = validate(pd.read_csv(path))
    except ValidationError as exc:
        print(f"validation failed: {len(exc.problems)} problem(s) in {path}")
        print("\n".join(f"  {problem}" for problem in exc.problems))
        return 1
    print(f"valid: {len(df)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "data/raw/wine.csv"))
