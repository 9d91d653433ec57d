"""A client that calls URL every 50 ms until the file STOP exists (at most 10 minutes), then
prints what it saw as JSON and exits 1 if any call failed: the proof that a roll-out dropped no
request. Each call opens a new connection, as independent clients would.

usage: python3 rollout-client.py URL STOP
"""

import json
import os
import sys
import time
import urllib.request


def call(url: str) -> str | None:
    """None when the call succeeded, else what went wrong."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (the sandbox's own endpoint)
            return None if answer.status == 200 else f"HTTP {answer.status}"
    except Exception as error:  # every failure counts, whatever its kind
        return f"{type(error).__name__}: {error}"


def main(url: str, stop: str) -> int:
    deadline, calls, errors = time.monotonic() + 600, 0, []
    while not os.path.exists(stop) and time.monotonic() < deadline:
        calls += 1
        if (error := call(url)) is not None:
            errors.append(error)
        time.sleep(0.05)
    print(json.dumps({"calls": calls, "errors": len(errors), "first_errors": errors[:5]}))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
