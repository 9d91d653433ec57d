"""Exercise keras-savedmodel: a Keras model for the wines, saved for Keras and for serving.

- read data/wine_train.csv and data/wine_test.csv (13 features, the label last)
- call keras.utils.set_random_seed(0) first, so every run trains the same model
- build a keras.Sequential: an Input of 13 features, a Normalization layer adapted to the
  training features (so the saved model standardises its own input), Dense(16, relu) and
  Dense(3, softmax)
- compile with the adam optimiser, the sparse_categorical_crossentropy loss and the accuracy
  metric; fit 100 epochs (batch size 16, verbose=0); evaluate on the test set
- save the model twice: models/wine_keras.keras (Keras's own format, model.save) and
  models/wine_savedmodel (TensorFlow's SavedModel, model.export) for TensorFlow Serving
- write reports/keras_metrics.json: {"epochs": 100, "test_loss": ..., "test_accuracy": ...}
"""


def main() -> None:
    raise NotImplementedError("exercise keras-savedmodel")


if __name__ == "__main__":
    main()
