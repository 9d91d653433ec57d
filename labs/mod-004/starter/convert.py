"""Exercise convert-to-onnx: convert models/wine_pipeline.joblib to ONNX and compare.

- convert the whole pipeline with skl2onnx (13 float inputs), without the ZipMap output
- save it as models/wine_pipeline.onnx
- run both models on data/wine_test.csv
- write reports/onnx_compare.json with n (rows compared), label_agreement (share of rows where
  both predict the same class) and max_abs_proba_diff (largest absolute difference between the
  two models' class probabilities)
"""


def main() -> None:
    raise NotImplementedError("exercise convert-to-onnx")


if __name__ == "__main__":
    main()
