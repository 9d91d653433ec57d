"""Model registry (milestone model-registry).

TODO: register_best() finds the run of the experiment with the best `accuracy`, registers its
model as pipeline.MODEL_NAME and, when the accuracy reaches pipeline.ACCURACY_THRESHOLD, points
the alias `champion` at the new version. Returns the version number (or None).
"""

from __future__ import annotations


def register_best() -> int | None:
    return None


if __name__ == "__main__":
    print(register_best())
