"""Training pipeline of the wine classifier."""

EXPERIMENT = "wine-classifier"
MODEL_NAME = "wine-classifier"
ACCURACY_THRESHOLD = 0.9
