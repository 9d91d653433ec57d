"""`lab gc` finds and removes the VMs of an instance whose state is gone: a `lab up` killed with
SIGKILL once its domain existed, then its state folder lost (deleted, or a LAB_HOME wiped). Only
what carries this state root's ownership metadata is listed; `gc --yes` leaves nothing behind.

Slow: builds the VM image unless it is cached, then boots a VM (TCG on most CI machines)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import lab, require_libvirt, resource, virsh_names, vm_leftovers

pytestmark = [pytest.mark.e2e]
# An instance of its own, so its names differ from test_vm_backend.py's mod-002/default.
INSTANCE = "gc"


@pytest.fixture(autouse=True)
def _needs_libvirt() -> None:
    require_libvirt()


def descendants(pid: int) -> list[int]:
    """Processes started by `pid`, at any depth (Terraform and its provider outlive a killed lab)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def running(pid: int) -> str | None:
    """What a live process is doing (state, kernel wait, argv), or None once it ended: a zombie
    counts as ended, since an orphan is only reaped when the machine's init gets to it."""
    proc = Path(f"/proc/{pid}")
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        if state in ("Z", "X"):
            return None
        wchan = (proc / "wchan").read_text()
        argv = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:160]
    except OSError:
        return None
    return f"{pid} {state} {wchan} {argv}"


def wait_gone(pids: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while live := [r for r in map(running, pids) if r]:
        assert time.monotonic() < deadline, f"still running {timeout:.0f} s after lab was killed: {live}"
        time.sleep(1)


def kill_once_the_domain_exists(up: subprocess.Popen[bytes], domain: str, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while domain not in virsh_names("list", "--all", "--name"):
        assert up.poll() is None, f"`lab up` ended ({up.returncode}) before its domain existed"
        assert time.monotonic() < deadline, f"no domain {domain} after {timeout:.0f} s"
        time.sleep(1)
    children = descendants(up.pid)
    os.kill(up.pid, signal.SIGKILL)
    up.wait()
    wait_gone(children, 300)  # the apply under way finishes on its own; gc must not race it


def test_gc_lists_and_removes_the_vm_of_a_killed_up(lab_home: Path) -> None:
    """kill -9 of `lab up mod-002` once its VM exists: its state says creating and no process
    holds it, so gc lists the instance as interrupted; --yes tears it down from that state. (VMs
    whose state is lost too are listed by their ownership: unit tests of the vm backend.)"""
    # Names as lab makes them under this test's LAB_HOME (they carry the state root).
    slug, domain = resource("mod-002", INSTANCE), resource("mod-002", INSTANCE, "vm")
    assert vm_leftovers(slug) == [], f"an earlier run left {slug} behind"
    lab("images", "build", "mod-002")  # minutes when not cached: outside the kill window
    argv = [sys.executable, "-m", "provisioner", "up", "mod-002", "--instance", INSTANCE]
    up = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    try:
        kill_once_the_domain_exists(up, domain)
        # Terraform outlived lab and finished: its state records the domain it was creating.
        state = json.loads(
            (lab_home / "instances" / "mod-002" / INSTANCE / "terraform" / "terraform.tfstate").read_text()
        )
        assert "libvirt_domain" in [r["type"] for r in state["resources"]], state["resources"]
        listed = json.loads(lab("gc", "--output", "json").stdout)
        assert listed["interrupted"] == [{"lab": "mod-002", "instance": INSTANCE, "status": "creating"}]
        assert listed["removed"] is False
        text = lab("gc").stdout
        assert f"interrupted mod-002 ({INSTANCE})" in text and "use --yes to remove" in text, text
        assert domain in virsh_names("list", "--all", "--name"), "gc without --yes removed something"
        lab("gc", "--yes")
        assert vm_leftovers(slug) == []
        after = json.loads(lab("gc", "--output", "json").stdout)
        assert after["orphans"] == [] and after["interrupted"] == []
        assert not (lab_home / "instances" / "mod-002" / INSTANCE).exists()
    finally:
        if up.poll() is None:
            up.kill()
        lab("gc", "--yes", check=False)  # whatever this state root left, were the test to fail midway
