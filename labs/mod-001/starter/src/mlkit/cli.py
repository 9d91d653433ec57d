"""The command line of mlkit: `python -m mlkit.cli evaluate FILE` (to be written).

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


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    raise NotImplementedError("see the module docstring")


if __name__ == "__main__":
    raise SystemExit(main())
