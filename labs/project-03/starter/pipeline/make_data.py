"""Write data/raw/wine.csv (scikit-learn's bundled wine data, column `label` = cultivar) and
data/raw/wine_bad.csv (the same with three broken rows) for the validation exercise."""

from pathlib import Path

from sklearn.datasets import load_wine

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


def main() -> None:
    frame = load_wine(as_frame=True).frame.rename(columns={"target": "label"})
    RAW.mkdir(parents=True, exist_ok=True)
    frame.to_csv(RAW / "wine.csv", index=False)
    bad = frame.copy()
    bad.loc[3, "alcohol"] = -1.0  # impossible value
    bad.loc[10, "color_intensity"] = None  # missing value
    bad.loc[20, "label"] = 7  # unknown class
    bad.to_csv(RAW / "wine_bad.csv", index=False)
    print(f"wrote {len(frame)} rows to {RAW}")


if __name__ == "__main__":
    main()
