"""Build step: write the release manifest dist/release.json that the later steps deploy.

Every environment runs the same image (lab/model-api): a release is that image plus a version,
the commit it was built from and the digests of the configuration it ships with. The release id
`VERSION+gCOMMIT` (e.g. 1.0.0+g1a2b3c4) is what /health reports as app_version once deployed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from capstone.ops import ROOT  # noqa: E402


def commit() -> str:
    if os.environ.get("PIPELINE_COMMIT"):  # a pipeline run: a clean export, no .git
        return os.environ["PIPELINE_COMMIT"]
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


def main() -> int:
    version = (ROOT / "VERSION").read_text().strip()
    sha = commit()
    release = {
        "release": f"{version}+g{sha[:7]}",
        "version": version,
        "commit": sha,
        "image": "lab/model-api",
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "pipeline_run": os.environ.get("PIPELINE_RUN"),
        "config_sha256": {
            p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((ROOT / "config").glob("*.yml"))
        },
    }
    (ROOT / "dist").mkdir(exist_ok=True)
    (ROOT / "dist" / "release.json").write_text(json.dumps(release, indent=2) + "\n")
    print(f"built release {release['release']} -> dist/release.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
