"""Exercise keras-savedmodel: a Keras model for the wines, saved for Keras and for serving."""

import csv
import json
from pathlib import Path

import keras
import numpy as np

ROOT = Path(__file__).resolve().parent


def read_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with path.open() as fh:
        rows = list(csv.reader(fh))[1:]
    return np.array([r[:-1] for r in rows], dtype="float32"), np.array([r[-1] for r in rows], dtype="int64")


def main() -> None:
    keras.utils.set_random_seed(0)
    X_train, y_train = read_csv(ROOT / "data/wine_train.csv")
    X_test, y_test = read_csv(ROOT / "data/wine_test.csv")

    normalise = keras.layers.Normalization()
    normalise.adapt(X_train)
    model = keras.Sequential(
        [
            keras.Input(shape=(13,)),
            normalise,
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=100, batch_size=16, verbose=0)
    test_loss, test_accuracy = model.evaluate(X_test, y_test, verbose=0)

    model.save(ROOT / "models/wine_keras.keras")
    model.export(str(ROOT / "models/wine_savedmodel"))
    report = {"epochs": 100, "test_loss": float(test_loss), "test_accuracy": float(test_accuracy)}
    (ROOT / "reports/keras_metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
