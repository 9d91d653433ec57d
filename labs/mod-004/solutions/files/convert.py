"""Exercise convert-to-onnx: convert models/wine_pipeline.joblib to ONNX and compare."""

import csv
import json
from pathlib import Path

import joblib
import numpy as np
import onnxruntime as ort
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType

ROOT = Path(__file__).resolve().parent


def main() -> None:
    pipeline = joblib.load(ROOT / "models/wine_pipeline.joblib")
    onx = convert_sklearn(
        pipeline,
        initial_types=[("input", FloatTensorType([None, 13]))],
        options={id(pipeline.steps[-1][1]): {"zipmap": False}},
    )
    onnx_path = ROOT / "models/wine_pipeline.onnx"
    onnx_path.write_bytes(onx.SerializeToString())

    with (ROOT / "data/wine_test.csv").open() as fh:
        rows = list(csv.reader(fh))[1:]
    X = np.array([[float(v) for v in r[:-1]] for r in rows])

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    onnx_labels, onnx_proba = session.run(None, {"input": X.astype(np.float32)})
    sk_labels = pipeline.predict(X)
    sk_proba = pipeline.predict_proba(X)

    report = {
        "n": len(X),
        "label_agreement": float(np.mean(onnx_labels == sk_labels)),
        "max_abs_proba_diff": float(np.max(np.abs(onnx_proba - sk_proba))),
    }
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports/onnx_compare.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
