"""The catalog smoke (`lab smoke` of every lab, `-j 2 --junit`), started in the background once
the `early` and `solo` tests are done and collected by tests/e2e/test_catalog_smoke.py, which runs last.

Why in the background: most other end-to-end tests drive one sandbox at a time and wait on it,
and the smoke keeps two labs busy for half an hour; side by side they share the machine's cores
instead of taking turns. Everything lab makes is named after its state root, so the two never
touch each other's sandboxes; the host-snapshot test (`early`) and the concurrency stress tests
(`solo`) run before the smoke starts.

VM labs whose guests this machine can only emulate (no working KVM) run up and down only
(`--up-only`): every exercise of theirs is reported as skipped, never as passed. Where VMs are
hardware-accelerated their exercises are proven like every other lab's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

DEADLINE_SECONDS = 80 * 60
# Measured longest first, so the two job slots end together instead of one lab running alone at
# the end (in the last full run: mod-005 1099 s up and down only, project-03 826, project-02 744,
# mod-006 761, mod-002 515; the others 140-420 s). The rest follow in catalog order.
LONGEST_FIRST = ["mod-005", "project-03", "mod-006", "project-02", "mod-002"]


@dataclass
class CatalogRun:
    proc: subprocess.Popen[bytes]
    folder: Path
    started: float

    @property
    def junit(self) -> Path:
        return self.folder / "smoke.xml"

    def wait(self) -> tuple[int, str, str]:
        """(exit code, JSON stdout, the tail of the progress log) once the smoke has ended."""
        left = DEADLINE_SECONDS - (time.monotonic() - self.started)
        try:
            code = self.proc.wait(timeout=max(left, 1))
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(f"the catalog smoke did not end within {DEADLINE_SECONDS // 60} minutes") from None
        log = (self.folder / "smoke.log").read_text(errors="replace")
        return code, (self.folder / "smoke.json").read_text(), log[-3000:]

    def stop(self) -> None:
        """Ctrl-C, as a user would: the smoke stops new steps and takes every sandbox down."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=900)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def emulated_vm_labs(catalog: list[dict[str, str]]) -> list[str]:
    """The catalog's VM labs (rows of `lab list`) when this machine's verdict is software emulation."""
    from provisioner.backends.vm import accel

    vm_labs = [r["id"] for r in catalog if r["backend"] == "vm"]
    if vm_labs and not (accel.forced() or accel.cached()):
        _lab("doctor")  # probes the accelerator once and keeps the verdict for this boot
    verdict = accel.forced() or accel.cached()
    return vm_labs if verdict and verdict[0] == "qemu" else []


def start(folder: Path) -> CatalogRun:
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "LAB_PATH"} | {"LAB_HOME": str(folder / "home")}
    catalog = json.loads(_lab("list", "--output", "json"))
    labs = sorted((r["id"] for r in catalog), key=lambda i: LONGEST_FIRST.index(i) if i in LONGEST_FIRST else 99)
    argv = [sys.executable, "-m", "provisioner", "smoke", *labs, "-j", "2", "--junit", str(folder / "smoke.xml")]
    argv += ["--output", "json", *(a for lab in emulated_vm_labs(catalog) for a in ("--up-only", lab))]
    (folder / "argv.json").write_text(json.dumps(argv))
    with open(folder / "smoke.json", "wb") as out, open(folder / "smoke.log", "wb") as log:
        proc = subprocess.Popen(argv, stdout=out, stderr=log, env=env, start_new_session=True)
    return CatalogRun(proc, folder, time.monotonic())


def _lab(*args: str) -> str:
    argv = [sys.executable, "-m", "provisioner", *args]
    env = {k: v for k, v in os.environ.items() if k != "LAB_PATH"}
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=600, env=env).stdout
