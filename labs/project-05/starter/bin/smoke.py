"""Smoke step: is ENVIRONMENT serving the release, over HTTPS, with its database?

usage: python3 bin/smoke.py ENVIRONMENT [--release dist/release.json]
       python3 bin/smoke.py --probe URL     only the TLS handshake and one GET (exit 1 on failure)

Goes through the HTTPS front (config/ENVIRONMENT.yml: url) with the TLS settings of
capstone.ops.tls_context(), like a client of the service would.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from capstone import ops  # noqa: E402
from capstone.client import ModelApiClient  # noqa: E402


def probe(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10, context=ops.tls_context()) as resp:  # noqa: S310
            print(f"probe {url}: HTTP {resp.status}")
            return 0
    except urllib.error.HTTPError as exc:
        print(f"probe {url}: HTTP {exc.code}")
        return 0
    except (urllib.error.URLError, OSError) as exc:
        print(f"probe {url}: failed: {getattr(exc, 'reason', exc)}")
        return 1


def smoke(environment: str, release_file: str) -> None:
    config = ops.load_config(environment)
    release = ops.load_release(release_file)["release"]
    context = ops.tls_context()
    client = ModelApiClient(
        config["url"], opener=lambda request, timeout: urllib.request.urlopen(request, timeout=timeout, context=context)
    )
    status, health = ops.http_json(config["url"] + "/health", timeout=10)
    print(f"{environment} /health: HTTP {status} {health}")
    problems = []
    if status != 200 or health.get("status") != "ok":
        problems.append(f"not healthy (HTTP {status})")
    if health.get("environment") != environment:
        problems.append(f"environment is {health.get('environment')!r}")
    if health.get("app_version") != release:
        problems.append(f"runs {health.get('app_version')!r}, not the release {release!r}")
    if health.get("database") != "ok":
        problems.append(f"database is {health.get('database')!r}")
    if not problems:
        prediction = client.predict(5.1, 3.5, 1.4, 0.2)
        print(f"{environment} /predict: {prediction.label} (model {prediction.model_version})")
        if prediction.label != "setosa":
            problems.append(f"classified a setosa as {prediction.label}")
    if problems:
        raise ops.OpsError(f"{environment}: " + "; ".join(problems))
    print(f"{environment} serves {release}: smoke test passed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("environment", nargs="?", choices=ops.ENVIRONMENTS)
    parser.add_argument("--release", default=str(ops.ROOT / "dist" / "release.json"))
    parser.add_argument("--probe", metavar="URL")
    args = parser.parse_args()
    if args.probe:
        return probe(args.probe)
    if not args.environment:
        parser.error("an environment (or --probe URL) is needed")
    try:
        smoke(args.environment, args.release)
    except (ops.OpsError, OSError) as exc:
        print(f"smoke: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
