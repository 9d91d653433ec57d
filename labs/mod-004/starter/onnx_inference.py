"""Exercise onnx-inference: classify data/iris_test.csv with models/iris_logreg.onnx.

Write out/iris_onnx_predictions.csv: a header line `label`, then one predicted class index per
row of the input, in the same order. Use onnxruntime only (no scikit-learn in this script).
"""


def main() -> None:
    raise NotImplementedError("exercise onnx-inference")


if __name__ == "__main__":
    main()
