"""Exercise train-and-evaluate: train a breast-cancer classifier, honestly evaluated.

- data: sklearn.datasets.load_breast_cancer()
- hold out a test set: train_test_split(..., test_size=0.2, random_state=42, stratify=y)
- model: a Pipeline of StandardScaler and LogisticRegression(max_iter=5000)
- 5-fold cross-validation on the training part only
- fit on the whole training part, evaluate once on the test part
- save the fitted pipeline to models/cancer_model.joblib
- write reports/metrics.json with cv_accuracy_mean, cv_accuracy_std and test_accuracy
"""


def main() -> None:
    raise NotImplementedError("exercise train-and-evaluate")


if __name__ == "__main__":
    main()
