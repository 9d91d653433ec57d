"""Deploy step: hand a built release and its secrets to an environment's deploy agent.

usage: python3 bin/deploy.py ENVIRONMENT [--release dist/release.json]

The secrets are decrypted here, at deploy time, with the CI runner's age identity, and sent to
the agent, which keeps them in memory only. prod takes only a release that staging runs right
now: what is promoted is exactly what was tested.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from capstone import ops  # noqa: E402


def deploy(environment: str, release_file: str) -> None:
    config = ops.load_config(environment)
    release = ops.load_release(release_file)
    if environment == "prod":
        _, staging = ops.http_json(ops.load_config("staging")["agent"] + "/status", timeout=10)
        if staging.get("release") != release["release"] or staging.get("state") != "running":
            raise ops.OpsError(
                f"staging runs {staging.get('release')!r} ({staging.get('state')}), not {release['release']!r}: "
                "deploy and smoke-test it on staging first"
            )
    token = os.environ.get("DEPLOY_TOKEN")
    if not token:
        raise ops.OpsError("DEPLOY_TOKEN is not set (the CI runner's credential for the deploy agents)")
    body = {
        "release": release["release"],
        "config": {
            "MODEL_NAME": config["model_name"],
            "APP_VERSION": release["release"],
            "LOG_LEVEL": config["log_level"],
        },
        "secrets": ops.read_secrets(environment),
    }
    print(f"deploying {release['release']} to {environment} ({config['agent']}) ...", flush=True)
    status, answer = ops.http_json(config["agent"] + "/deploy", body, token=token)
    if status != 200:
        raise ops.OpsError(f"the {environment} agent answered {status}: {answer}")
    print(f"{environment} now runs {answer['deployed']} (previous: {answer.get('previous')})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("environment", choices=ops.ENVIRONMENTS)
    parser.add_argument("--release", default=str(ops.ROOT / "dist" / "release.json"))
    args = parser.parse_args()
    try:
        deploy(args.environment, args.release)
    except ops.OpsError as exc:
        print(f"deploy: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
