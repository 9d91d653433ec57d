"""The sample training pipeline of the ml-pipeline image (a worked example of the platform).

A Prefect flow over scikit-learn's bundled wine data (written to DATA_DIR when the image is
built): ingest -> validate (Great Expectations) -> train (tracked in MLflow) -> evaluate ->
register (MLflow model registry, alias `champion`). Experiment and registered model are both
named SAMPLE_NAME, so they never collide with the learner's own `wine-classifier`.

    python -m lab_sample run [CSV]         the flow (MLFLOW_TRACKING_URI, PREFECT_API_URL)
    python -m lab_sample validate CSV      the validation alone: exit 0 valid, 1 not
    python -m lab_sample make-data DIR     write wine.csv and wine_bad.csv
"""

from pathlib import Path

SAMPLE_NAME = "sample-pipeline"
DATA_DIR = Path("/opt/lab/data")
ACCURACY_THRESHOLD = 0.9
