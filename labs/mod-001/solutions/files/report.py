"""Plain-text reports of a model's predictions."""

import sys
from collections import Counter
from collections.abc import Sequence

from mlkit.metrics import accuracy, f1


def class_balance(labels: Sequence[int]) -> dict[int, float]:
    counts = Counter(labels)
    total = len(labels)
    return {label: count / total for label, count in sorted(counts.items())}


def render(y_true: Sequence[int], y_pred: Sequence[int], title: str = "model report") -> str:
    balance = class_balance(y_true)
    lines = [
        title,
        "=" * len(title),
        f"accuracy: {accuracy(y_true, y_pred):.3f}",
        f"f1:       {f1(y_true, y_pred):.3f}",
    ]
    for label, share in balance.items():
        lines.append(f"class {label}: {share:.1%}")
    return "\n".join(lines)


def main() -> None:
    sys.stdout.write(render([1, 0, 1, 1], [1, 0, 0, 1]) + "\n")
