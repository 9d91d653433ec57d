"""Exercise onnx-inference: classify data/iris_test.csv with models/iris_logreg.onnx.

Write out/iris_onnx_predictions.csv: a header line `label`, then one predicted class index per
row of the input, in the same order. Use onnxruntime only (no scikit-learn in this script).
"""

import csv
from pathlib import Path

import numpy as np
import onnxruntime as ort

ROOT = Path(__file__).resolve().parent


def main() -> None:
    with (ROOT / "data/iris_test.csv").open() as fh:
        rows = list(csv.reader(fh))[1:]
    X = np.array([[float(v) for v in r[:-1]] for r in rows], dtype=np.float32)

    session = ort.InferenceSession(
        str(ROOT / "models/iris_logreg.onnx"), providers=["CPUExecutionProvider"]
    )
    input_name = session.get_inputs()[0].name
    print("inputs:", [(i.name, i.shape, i.type) for i in session.get_inputs()])
    print("outputs:", [(o.name, o.shape, o.type) for o in session.get_outputs()])
    labels, probabilities = session.run(None, {input_name: X})

    out = ROOT / "out/iris_onnx_predictions.csv"
    out.parent.mkdir(exist_ok=True)
    with out.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["label"])
        writer.writerows([int(label)] for label in labels)
    print(f"wrote {len(labels)} predictions to {out}; first probabilities {probabilities[0]}")


if __name__ == "__main__":
    main()
