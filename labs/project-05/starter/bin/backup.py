"""Backups of the production database, and the restore drill that proves they work.

usage: python3 bin/backup.py           dump modelapi_prod into ~/backups
       python3 bin/backup.py --drill   restore the newest dump into modelapi_drill and report

TODO (exercise backup-restore), the specification:
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

import sys


def main() -> int:
    raise NotImplementedError("exercise backup-restore")


if __name__ == "__main__":
    sys.exit(main())
