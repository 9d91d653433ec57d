#!/usr/bin/env bash
# Seed the learner's second clone of labs/mod-003 (exercise stash-and-clean): work in progress
# that is not committed, among leftovers of trying things out.
#
#   wip-clone.sh /home/learner/mlops-wip    (run as `learner` on the workstation, once the
#                                            learner's key reaches git@git-server:mlops.git)
#
# Result: a clone of mlops.git on the local branch feature/early-stopping (from main, no commit
# of its own), with
#   - an uncommitted edit to a tracked file: EARLY_STOPPING_PATIENCE = 3 in src/pipeline/config.py
#     (config.py differs between main and release/0.1, so `git switch release/0.1` refuses)
#   - a new module of that work, not yet added: src/pipeline/early_stopping.py (to keep)
#   - untracked leftovers (to clean): train-output.log, scratch/, src/pipeline/config.py.orig
#   - ignored files (to keep, .gitignore: .venv/, __pycache__/): .venv/pyvenv.cfg,
#     src/pipeline/__pycache__/config.cpython-311.pyc
# Built beside the target and moved into place at the end, so the target exists only complete.
# Leaves an existing target alone.
set -euo pipefail

target=${1:?usage: wip-clone.sh /home/learner/mlops-wip}
[[ -e $target ]] && { echo "wip-clone.sh: $target exists, leaving it alone" >&2; exit 0; }

work="$target.seeding"
rm -rf "$work"
git clone -q git@git-server:mlops.git "$work"
cd "$work"
git switch -q -c feature/early-stopping

# The work in progress.
printf '%s\n' "" \
    "# Stop training when the validation loss has not improved for this many epochs." \
    "EARLY_STOPPING_PATIENCE = 3" >> src/pipeline/config.py
cat > src/pipeline/early_stopping.py <<'TXT'
"""Stop training when the validation loss stops improving (work in progress)."""

from pipeline import config


class EarlyStopping:
    def __init__(self, patience: int = config.EARLY_STOPPING_PATIENCE) -> None:
        self.patience = patience
        self.best = float("inf")
        self.bad_epochs = 0

    def step(self, loss: float) -> bool:
        """Record one epoch's validation loss; True when training should stop."""
        if loss < self.best:
            self.best, self.bad_epochs = loss, 0
        else:
            self.bad_epochs += 1
        return self.bad_epochs >= self.patience
TXT

# Leftovers of trying things out.
printf 'epoch 1 val_loss 0.412\nepoch 2 val_loss 0.398\nepoch 3 val_loss 0.401\n' > train-output.log
mkdir scratch
printf 'from pipeline.early_stopping import EarlyStopping\n\nprint(EarlyStopping(2).step(1.0))\n' > scratch/try_patience.py
printf 'patience 2 stops too early? try 3\n' > scratch/notes.txt
git show HEAD:src/pipeline/config.py > src/pipeline/config.py.orig

# Ignored, and slow to make again.
mkdir -p .venv/bin src/pipeline/__pycache__
printf 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n' > .venv/pyvenv.cfg
printf 'compiled config.py\n' > src/pipeline/__pycache__/config.cpython-311.pyc

cd /
mv "$work" "$target"
echo "wip-clone.sh: seeded $target"
