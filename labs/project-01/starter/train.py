"""Milestone train-model: train the iris classifier and save it with its metadata.

Specification:
- data: sklearn.datasets.load_iris(); hold out 20 % with
  train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
- model: Pipeline(StandardScaler(), LogisticRegression(max_iter=1000)), fitted on the training part
- accuracy: on the held-out part
- write MODEL_DIR/model.joblib (joblib.dump of the pipeline) and MODEL_DIR/metadata.json:
  {"name": "iris-classifier", "version": "1.0.0", "accuracy": <float>, "trained_at": <ISO 8601 UTC>,
   "features": [the 4 feature names], "classes": ["setosa", "versicolor", "virginica"]}
MODEL_DIR comes from the environment (default: the model/ folder next to this file).
"""


def main() -> None:
    raise NotImplementedError("milestone train-model")


if __name__ == "__main__":
    main()
