"""Backups of the production database, and the restore drill that proves they work.

usage: python3 bin/backup.py           dump modelapi_prod into ~/backups
       python3 bin/backup.py --drill   restore the newest dump into modelapi_drill and report

The specification:
- Connect as the role `backup` (PGHOST, PGUSER and ~/.pgpass are set up for it): it may read
  every table (pg_read_all_data) and it owns the scratch database modelapi_drill, nothing more.
- backup: `pg_dump -Fc` of modelapi_prod to ~/backups/modelapi_prod-YYYYmmddTHHMMSSZ.dump (UTC),
  then its checksum next to it, FILE.sha256, in `sha256sum` format.
- --drill: take the newest dump; verify its checksum (stop if it does not match); restore it
  into modelapi_drill with `pg_restore --clean --if-exists --no-owner --no-privileges`;
  count the rows of `predictions` in the dump (`pg_restore --data-only --table predictions
  -f - FILE` prints them as COPY data) and in modelapi_drill; write ~/backups/drill-report.txt:
      restore drill of FILE at TIMESTAMP
      sha256 ok
      restore took SECONDS s
      predictions source=N restored=M
  and exit 1 unless N == M.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import subprocess
import sys
import time
from pathlib import Path

BACKUPS = Path.home() / "backups"
SOURCE, DRILL = "modelapi_prod", "modelapi_drill"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(argv: list[str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"backup: {argv[0]} failed: {done.stderr.strip()}")
    return done.stdout


def backup() -> Path:
    BACKUPS.mkdir(mode=0o700, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    dump = BACKUPS / f"{SOURCE}-{stamp}.dump"
    run(["pg_dump", "-Fc", "-d", SOURCE, "-f", str(dump)])
    Path(f"{dump}.sha256").write_text(f"{sha256(dump)}  {dump.name}\n")
    print(f"backup: {dump} ({dump.stat().st_size} bytes)")
    return dump


def drill() -> bool:
    dumps = sorted(BACKUPS.glob(f"{SOURCE}-*.dump"))
    if not dumps:
        raise SystemExit("backup: no dump to drill with: run a backup first")
    dump = dumps[-1]
    recorded = Path(f"{dump}.sha256").read_text().split()[0]
    if sha256(dump) != recorded:
        raise SystemExit(f"backup: {dump.name} does not match its checksum: do not restore it")
    started = time.monotonic()
    run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
         "-d", DRILL, str(dump)])
    took = time.monotonic() - started
    data = run(["pg_restore", "--data-only", "--table", "predictions", "-f", "-", str(dump)])
    lines = data.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("COPY public.predictions "))
    source = lines[start + 1 :].index("\\.")
    restored = int(run(["psql", "-X", "-A", "-t", "-d", DRILL, "-c", "SELECT count(*) FROM predictions"]).strip())
    report = BACKUPS / "drill-report.txt"
    report.write_text(
        f"restore drill of {dump} at {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}\n"
        "sha256 ok\n"
        f"restore took {took:.2f} s\n"
        f"predictions source={source} restored={restored}\n"
    )
    print(report.read_text(), end="")
    return source == restored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drill", action="store_true")
    args = parser.parse_args()
    if args.drill:
        return 0 if drill() else 1
    backup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
