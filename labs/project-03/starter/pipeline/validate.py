"""Data validation with Great Expectations (milestone data-validation).

TODO: suite() describes the raw wine data as a gx.ExpectationSuite (see the lab instructions);
validate(df) validates df against it in an ephemeral context and raises ValidationError listing
every failed expectation; main() prints "valid: N rows" and exits 0, or prints
"validation failed" with the problems and exits 1.
"""

from __future__ import annotations

import sys

import pandas as pd

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


def validate(df: pd.DataFrame) -> pd.DataFrame:
    return df  # TODO: validate against the suite, raise ValidationError on bad data


def main(path: str) -> int:
    df = validate(pd.read_csv(path))
    print(f"valid: {len(df)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "data/raw/wine.csv"))
