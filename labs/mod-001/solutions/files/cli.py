"""The command line of mlkit: `python -m mlkit.cli evaluate FILE`.

evaluate FILE [--threshold T] [--log-level LEVEL]
    FILE is JSON with two lists of the same length: `y_true` (0 or 1) and `y_score` (between
    0 and 1). A score at or above the threshold (default 0.5) predicts 1. Prints one JSON
    object on stdout and nothing else:

        {"rows": N, "accuracy": A, "precision": P, "f1": F, "commit": C}

    C is the short hash of the git commit of the current directory (`git rev-parse --short
    HEAD`), or null outside a git repository. Logs go to stderr as "LEVEL mlkit.cli: message"
    (LEVEL one of DEBUG, INFO, WARNING, ERROR; default WARNING); at DEBUG it logs how many rows
    it read and from where. A missing or malformed FILE: one line "error: ..." on stderr, exit
    code 2, no traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
from pathlib import Path

from mlkit.metrics import accuracy, f1, precision

log = logging.getLogger("mlkit.cli")


class InputError(Exception):
    """A prediction file that cannot be used."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mlkit", description="mlkit's command line")
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate = commands.add_parser("evaluate", help="score a JSON file of predictions")
    evaluate.add_argument("file", type=Path, help="JSON with the lists y_true and y_score")
    evaluate.add_argument("--threshold", type=float, default=0.5, help="default: %(default)s")
    evaluate.add_argument(
        "--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    return parser.parse_args(argv)


def read_predictions(path: Path) -> tuple[list[int], list[float]]:
    try:
        data = json.loads(path.read_text())
        y_true, y_score = [int(v) for v in data["y_true"]], [float(v) for v in data["y_score"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: {exc}") from exc
    if len(y_true) != len(y_score):
        raise InputError(f"{path}: y_true has {len(y_true)} values, y_score {len(y_score)}")
    log.debug("read %d rows from %s", len(y_true), path)
    return y_true, y_score


def git_commit() -> str | None:
    """The short hash of HEAD, or None outside a git repository (or without git)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(levelname)s %(name)s: %(message)s")
    try:
        y_true, y_score = read_predictions(args.file)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    y_pred = [1 if s >= args.threshold else 0 for s in y_score]
    result = {
        "rows": len(y_true),
        "accuracy": accuracy(y_true, y_pred),
        "precision": precision(y_true, y_pred),
        "f1": f1(y_true, y_pred),
        "commit": git_commit(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
