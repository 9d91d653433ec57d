"""python -m lab_sample run [CSV] | validate CSV | make-data DIR (see the package docstring)."""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("run", [])
    if command == "make-data" and len(args) == 1:
        from .validation import make_data

        make_data(Path(args[0]))
        return 0
    if command == "validate" and len(args) == 1:
        import pandas as pd

        from .validation import ValidationError, validate

        try:
            df = validate(pd.read_csv(args[0]))
        except ValidationError as exc:
            print(f"validation failed: {args[0]}")
            print("\n".join(f"  {p}" for p in exc.problems))
            return 1
        print(f"valid: {len(df)} rows")
        return 0
    if command == "run" and len(args) <= 1:
        from .flow import sample_pipeline

        version = sample_pipeline(*args)
        print(f"registered version: {version}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
