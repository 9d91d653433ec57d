"""Reference solution of mod-009 / alert-pipeline (and project-04): stop the model API, time
TargetDown until its notification reaches the webhook receiver, start the API again, time the
resolution. Fails when either takes longer than the rule's `for` plus a margin.

Runs on the machine (not in the sandbox) from the lab folder: `lab solve` sets LAB_NAME,
the instance's resource prefix; its containers are <LAB_NAME>-<component>.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

FOR_SECONDS = 10  # TargetDown's `for:` in seed/rules/lab.yml
# One scrape (5 s) + one evaluation (5 s) + group_wait (5 s) + group_interval (10 s) + slack.
MARGIN_SECONDS = 35
PREFIX = os.environ["LAB_NAME"]


def docker(*argv: str) -> str:
    return subprocess.run(["docker", *argv], capture_output=True, text=True, check=True, timeout=60).stdout.strip()


def delivered(base: str, status: str) -> int:
    query = urllib.parse.urlencode({"alertname": "TargetDown", "job": "model-api", "status": status})
    with urllib.request.urlopen(f"{base}/delivered?{query}", timeout=5) as response:  # noqa: S310 - loopback
        return int(json.load(response)["count"])


def wait_for(base: str, status: str, before: int, since: float) -> float:
    deadline = since + FOR_SECONDS + MARGIN_SECONDS
    while time.monotonic() < deadline:
        if delivered(base, status) > before:
            return time.monotonic() - since
        time.sleep(0.5)
    sys.exit(f"TargetDown ({status}) did not reach the webhook within {FOR_SECONDS + MARGIN_SECONDS} s")


def main() -> None:
    webhook = "http://" + docker("port", f"{PREFIX}-webhook", "8080/tcp").splitlines()[0]
    fired, resolved = delivered(webhook, "firing"), delivered(webhook, "resolved")
    stopped = time.monotonic()
    docker("stop", f"{PREFIX}-api")
    try:
        took = wait_for(webhook, "firing", fired, stopped)
        print(f"TargetDown firing at the webhook {took:.1f} s after `docker stop`")
    finally:
        docker("start", f"{PREFIX}-api")
    # Resolution is timed from when the target answers again: the API's own start (model load)
    # takes seconds, and up to 20 s on a busy machine, before any scrape can see it up.
    back = api_back(time.monotonic() + 120)
    took = wait_for(webhook, "resolved", resolved, back)
    print(f"TargetDown resolved at the webhook {took:.1f} s after the API answered again")


def api_back(deadline: float) -> float:
    api = "http://" + docker("port", f"{PREFIX}-api", "8000/tcp").splitlines()[0]
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2):  # noqa: S310 - loopback
                return time.monotonic()
        except OSError:
            time.sleep(0.25)
    sys.exit("the model API did not answer /health within 120 s of `docker start`")


if __name__ == "__main__":
    main()
