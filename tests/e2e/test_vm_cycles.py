"""Ten VM up/down cycles in a row, none of them hanging: the real terraform/vm module, the real
libvirt provider and libvirtd, driven through the vm backend's own steps.

`terraform destroy` of a VM once hung for good: the provider's libvirt client deadlocked while a
refresh downloaded the cloud-init seed over a libvirt stream (docs/troubleshooting.md). Each cycle
here refreshes a running VM twice (a second `up`, then `down`), so a module that streams again
would hang or hit a deadline within a few cycles. Every Terraform run has the backend's deadline,
so a hang fails the test instead of hanging CI.

Cheap: each cycle makes a domain, lets its kernel run, and destroys it, without waiting for SSH
(the lab under tests/labs/vmcycle has no playbook and no checks)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from provisioner.backends.vm import backend as vm
from provisioner.backends.vm.accel import probe_accel
from provisioner.backends.vm.bake import ensure_lab_image
from provisioner.core import ports
from provisioner.core.state import InstanceRef, Store
from provisioner.definitions import catalog
from provisioner.lifecycle.steps import Context, Step, run_steps
from tests.helpers import require_libvirt, resource

pytestmark = [pytest.mark.e2e]

CYCLES = 10
CYCLE_SECONDS = 120  # a cycle takes 10-20 s; Terraform's own deadlines are shorter than this


@pytest.fixture(autouse=True)
def _needs_libvirt() -> None:
    require_libvirt()


def virsh(*args: str) -> str:
    return subprocess.run(
        ["virsh", "-q", "-c", vm.URI, *args], capture_output=True, text=True, check=False, timeout=60
    ).stdout


def leftovers() -> list[str]:
    slug = resource("vmcycle", "default")  # under the test's LAB_HOME
    found = [f"domain {d}" for d in virsh("list", "--all", "--name").split() if d.startswith(slug + "-")]
    found += [f"pool {p}" for p in virsh("pool-list", "--all", "--name").split() if p == slug]
    found += [f"file {p}" for p in vm.storage_root().rglob(f"{slug}-*")]
    found += [f"file {p}" for p in vm.storage_root().glob(slug)]
    found += [f"file {p}" for p in vm.CONSOLE_LOG_DIR.glob(f"{slug}-*")]
    return found


def wait_until_the_guest_runs(domain: str, timeout: float = 60) -> float:
    """Seconds until the domain has used a second of CPU: its kernel is booting, not just defined."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        stats = dict(
            line.strip().split("=", 1) for line in virsh("domstats", "--cpu-total", domain).splitlines() if "=" in line
        )
        if int(stats.get("cpu.time", "0")) >= 1_000_000_000:
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"{domain} did not run in {timeout:.0f} s: {virsh('domstate', domain).strip()}")


def test_ten_vm_cycles_in_a_row_without_a_hang(lab_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Away from the range other sandboxes start at: a process outside lab (or another user's
    # lab) may take a port that was free when allocated, and QEMU's forward would then fail.
    monkeypatch.setattr(ports, "LOW", 29500)
    backend = vm.VmBackend()
    ref = InstanceRef("vmcycle")
    up = [s for s in backend.up_steps() if s.name not in ("boot", "configure")]
    again = Step("apply-again", "a second `up`: refresh the running VM", backend.apply)
    assert [s.name for s in up][-3:] == ["render", "init", "apply"], "the backend's steps changed"
    assert "seed" in [s.name for s in up]
    first = Context(ref, Store(ref), catalog.load("vmcycle"))
    backend.preflight(first)
    # Outside the timed cycles: the VM image (built once, minutes) and the KVM probe (once a boot).
    image = ensure_lab_image(backend.run, first.require_lab(), lambda _line: None)
    probe_accel(backend.run, image.kernel)
    assert leftovers() == [], "an earlier run left this lab's VM behind"

    timings = []
    for cycle in range(1, CYCLES + 1):
        ctx = Context(ref, Store(ref), catalog.load("vmcycle"))  # a fresh instance, as `lab up` makes
        started = time.monotonic()
        run_steps(ctx, up, "up")
        domain = ctx.store.load().hosts["vm"]["domain"]
        assert virsh("domstate", domain).strip() == "running"
        booting = wait_until_the_guest_runs(domain)
        seed = Path(ctx.store.load().seeds["vm"])
        assert seed.is_file() and str(seed) in virsh("domblklist", domain, "--details")
        run_steps(ctx, [again], "up")
        run_steps(ctx, backend.down_steps(), "down")
        took = time.monotonic() - started
        timings.append(round(took, 1))
        deadlines = [e for e in ctx.store.ledger() if e.get("event") == "destroy-deadline"]
        assert deadlines == [], f"cycle {cycle}: terraform destroy hit its deadline: {deadlines}"
        assert took < CYCLE_SECONDS, f"cycle {cycle} took {took:.0f} s (guest ran after {booting:.1f} s)"
        assert leftovers() == [], f"cycle {cycle} left {leftovers()}"
        ctx.store.forget()  # what `lab down` does last
    print(f"{CYCLES} VM cycles, seconds each: {timings}")
