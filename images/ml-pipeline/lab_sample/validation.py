"""The data contract of the wine data, as a Great Expectations suite (an ephemeral context:
nothing is written to disk, nothing is sent anywhere)."""

from __future__ import annotations

from pathlib import Path

import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig
from sklearn.datasets import load_wine

FEATURES = [
    "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
    "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
    "od280/od315_of_diluted_wines", "proline",
]  # fmt: skip
LABELS = [0, 1, 2]


class ValidationError(ValueError):
    """The batch broke the contract; `problems` lists the failed expectations."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} failed expectation(s): " + "; ".join(problems))
        self.problems = problems


def suite() -> gx.ExpectationSuite:
    e = gx.expectations
    expectations = [
        e.ExpectTableColumnsToMatchSet(column_set=[*FEATURES, "label"], exact_match=True),
        e.ExpectTableRowCountToBeBetween(min_value=100),
        *[e.ExpectColumnValuesToNotBeNull(column=c) for c in [*FEATURES, "label"]],
        *[e.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in FEATURES],
        e.ExpectColumnValuesToBeBetween(column="alcohol", min_value=8, max_value=16),
        e.ExpectColumnValuesToBeInSet(column="label", value_set=LABELS),
    ]
    return gx.ExpectationSuite(name="wine-raw", expectations=expectations)


def validate(df: pd.DataFrame) -> pd.DataFrame:
    """The frame itself when it keeps the contract, else ValidationError with every problem."""
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


def make_data(folder: Path) -> None:
    """wine.csv (178 rows, column `label` = cultivar) and wine_bad.csv (three broken rows)."""
    frame = load_wine(as_frame=True).frame.rename(columns={"target": "label"})
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "wine.csv", index=False)
    bad = frame.copy()
    bad.loc[3, "alcohol"] = -1.0  # impossible value
    bad.loc[10, "color_intensity"] = None  # missing value
    bad.loc[20, "label"] = 7  # unknown class
    bad.to_csv(folder / "wine_bad.csv", index=False)
