#!/usr/bin/env bash
# Build the seeded bare repository of labs/mod-003, deterministically (fixed author, committer
# and dates, so every instance has the same commit ids).
#
#   build-repo.sh /srv/git/mlops.git        (run as the `git` user on the git-server component)
#
# Result (all commit subjects carry a ticket id "MLOPS-<n>: ..." except feature/no-ticket):
#   main                 MLOPS-101, MLOPS-102, MLOPS-104 (timeout 10 -> 30), MLOPS-106
#   feature/retry-logic  from MLOPS-102: MLOPS-105 (MAX_RETRIES 1 -> 5, adds RETRY_BACKOFF_SECONDS)
#                        -> conflicts with main in src/pipeline/config.py
#   feature/docs         from MLOPS-102: MLOPS-107 (docs/stages.md), behind main -> to rebase
#   feature/with-ticket  from main: MLOPS-110 (used by the hook check: must be accepted)
#   feature/no-ticket    from main: "quick fix" (used by the hook check: must be rejected)
#   tag v0.1.0           on MLOPS-102
#   release/0.1          from v0.1.0, the maintained release (exercise cherry-pick)
#   feature/hotfixes     from main: MLOPS-111 (a debug dump, not for the release), MLOPS-112
#                        (reject bad table names: to be cherry-picked onto release/0.1)
#   perf/tuning          from main: MLOPS-130 (tests/check-config.sh) .. MLOPS-137, one commit per
#                        setting; MLOPS-134 breaks the check (BATCH_SIZE 96) (exercise bisect)
#   (no branch)          from main, by Sam Contributor: MLOPS-140, MLOPS-141, mailed as a patch
#                        series: ../inbox/validation.mbox, and its patch id beside it (exercise
#                        patch-review)
# The repository is not --shared, so non-fast-forward pushes are allowed until the learner
# changes that (exercise protect-main). Refuses to overwrite an existing repository.
set -euo pipefail

target=${1:?usage: build-repo.sh /path/to/mlops.git}
[[ -e $target ]] && { echo "build-repo.sh: $target exists, leaving it alone" >&2; exit 0; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME="Dana Data" GIT_AUTHOR_EMAIL="dana@mlops.example"
export GIT_COMMITTER_NAME="Dana Data" GIT_COMMITTER_EMAIL="dana@mlops.example"
export GIT_CONFIG_NOSYSTEM=1 HOME=$work
n=0
commit() {  # commit "subject"
    n=$((n + 1))
    export GIT_AUTHOR_DATE="2024-03-0$((n % 9 + 1))T10:00:00+00:00" GIT_COMMITTER_DATE="2024-03-0$((n % 9 + 1))T10:00:00+00:00"
    git add -A
    git commit -q -m "$1"
}

cd "$work"
git init -q -b main repo
cd repo

mkdir -p src/pipeline
cat > README.md <<'TXT'
# mlops pipeline

Batch training pipeline of the fraud model.

    python -m pipeline.train --config configs/train.toml

Every commit message starts with a ticket id, e.g. `MLOPS-123: add feature X`.
TXT
printf '__pycache__/\n*.pyc\n.venv/\n' > .gitignore
printf '"""Training pipeline of the fraud model."""\n' > src/pipeline/__init__.py
cat > src/pipeline/config.py <<'TXT'
"""Pipeline settings."""

BATCH_SIZE = 64
MAX_RETRIES = 1
TIMEOUT_SECONDS = 10
FEATURE_STORE_URL = "http://feature-store:8080"
TXT
cat > src/pipeline/train.py <<'TXT'
"""Train the model."""

from pipeline import config


def main() -> None:
    print(f"training with batch size {config.BATCH_SIZE}")


if __name__ == "__main__":
    main()
TXT
commit "MLOPS-101: pipeline skeleton"

cat > src/pipeline/data.py <<'TXT'
"""Load training data from the feature store."""

from pipeline import config


def load(table: str) -> list[dict]:
    print(f"loading {table} from {config.FEATURE_STORE_URL} (timeout {config.TIMEOUT_SECONDS}s)")
    return []
TXT
commit "MLOPS-102: load data from the feature store"
git tag -a v0.1.0 -m "first release"

git switch -q -c feature/retry-logic
cat > src/pipeline/config.py <<'TXT'
"""Pipeline settings."""

BATCH_SIZE = 64
MAX_RETRIES = 5
TIMEOUT_SECONDS = 10
RETRY_BACKOFF_SECONDS = 2
FEATURE_STORE_URL = "http://feature-store:8080"
TXT
cat > src/pipeline/retry.py <<'TXT'
"""Retry transient errors with a fixed backoff."""

import time

from pipeline import config


def with_retries(fn):
    for attempt in range(config.MAX_RETRIES):
        try:
            return fn()
        except ConnectionError:
            time.sleep(config.RETRY_BACKOFF_SECONDS * (attempt + 1))
    return fn()
TXT
commit "MLOPS-105: retry transient feature-store errors"

git switch -q -c feature/docs v0.1.0
mkdir -p docs
cat > docs/stages.md <<'TXT'
# Pipeline stages

1. load: read the training table from the feature store
2. train: fit the model
3. evaluate: compare with the production model
TXT
commit "MLOPS-107: document the pipeline stages"

git switch -q main
sed -i 's/^TIMEOUT_SECONDS = 10$/TIMEOUT_SECONDS = 30/' src/pipeline/config.py
commit "MLOPS-104: raise the timeout for the slow feature store"
cat > src/pipeline/train.py <<'TXT'
"""Train the model."""

import time

from pipeline import config


def main() -> None:
    started = time.monotonic()
    print(f"training with batch size {config.BATCH_SIZE}")
    print(f"training took {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
TXT
commit "MLOPS-106: log the training duration"

git switch -q -c feature/with-ticket
printf '"""Schema of the training table."""\n\nCOLUMNS = ["amount", "country", "label"]\n' > src/pipeline/schema.py
commit "MLOPS-110: add the training table schema"

git switch -q -c feature/no-ticket main
printf '\nQuestions: #mlops on chat.\n' >> README.md
commit "quick fix"

git switch -q -c release/0.1 v0.1.0

git switch -q -c feature/hotfixes main
printf '\n\ndef dump(rows: list[dict]) -> None:\n    for row in rows:\n        print(row)\n' >> src/pipeline/data.py
commit "MLOPS-111: dump the training table when debugging"
sed -i 's/^def load(table: str) -> list\[dict\]:$/&\n    if not table.isidentifier():\n        raise ValueError(f"not a table name: {table!r}")/' src/pipeline/data.py
commit "MLOPS-112: reject table names that are not identifiers"

git switch -q -c perf/tuning main
mkdir -p tests
cat > tests/check-config.sh <<'TXT'
#!/bin/sh
# The batch size must be a power of two (the GPU kernels assume it).
grep -Eq '^BATCH_SIZE = (1|2|4|8|16|32|64|128|256|512|1024)$' src/pipeline/config.py
TXT
commit "MLOPS-130: check that the batch size is a power of two"
# One setting per commit: "old/new|subject" (sed's s/old/new/ on config.py, then commit).
for change in "TIMEOUT_SECONDS = 30/TIMEOUT_SECONDS = 45|MLOPS-131: wait longer for the feature store" \
              "MAX_RETRIES = 1/MAX_RETRIES = 2|MLOPS-132: one retry more" \
              "BATCH_SIZE = 64/BATCH_SIZE = 128|MLOPS-133: larger batches" \
              "BATCH_SIZE = 128/BATCH_SIZE = 96|MLOPS-134: batches that fit the new GPU memory" \
              "TIMEOUT_SECONDS = 45/TIMEOUT_SECONDS = 40|MLOPS-135: a slightly shorter timeout" \
              "MAX_RETRIES = 2/MAX_RETRIES = 3|MLOPS-136: retry twice" \
              "feature-store:8080/feature-store:8081|MLOPS-137: the feature store moved port"; do
    sed -i "s/${change%%|*}/" src/pipeline/config.py
    commit "${change#*|}"
done

# A contributor's series exists only as mail: format-patch, then the branch goes.
git switch -q -c contrib/validation main
export GIT_AUTHOR_NAME="Sam Contributor" GIT_AUTHOR_EMAIL="sam@partner.example"
cat > src/pipeline/validate.py <<'TXT'
"""Row checks before training: a row the model must not learn from is dropped."""


def valid(row: dict) -> bool:
    return row.get("amount", 0) >= 0 and bool(row.get("country"))
TXT
commit "MLOPS-140: drop rows with a negative amount or no country"
printf '\nRows with a negative amount or no country are dropped (src/pipeline/validate.py).\n' >> README.md
commit "MLOPS-141: document the row checks"
inbox=$(dirname "$target")/inbox
mkdir -p "$inbox"
git format-patch -q --stdout main..contrib/validation > "$inbox/validation.mbox"
git diff main...contrib/validation | git patch-id --stable | cut -d' ' -f1 > "$inbox/validation.patch-id"
git switch -q main
git branch -q -D contrib/validation

git clone -q --bare "$work/repo" "$target"
git -C "$target" remote remove origin 2>/dev/null || true
git -C "$target" config receive.denyNonFastForwards false
echo "build-repo.sh: built $target ($(git -C "$target" rev-parse --short main) on main)"
