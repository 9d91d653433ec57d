"""Which backends `lab reset` serves, and with which steps."""

from __future__ import annotations

from provisioner.backends.docker.backend import DockerBackend
from provisioner.backends.kind.backend import KindBackend
from provisioner.backends.vm.backend import VmBackend
from tests.unit.backends.fake_run import FakeRun


def test_docker_resets_with_the_shared_up_steps_vms_from_their_snapshot_and_kind_is_refused() -> None:
    assert [s.name for s in DockerBackend(FakeRun()).reset_steps()] == ["render", "init", "replace", "configure"]
    assert [s.name for s in VmBackend(FakeRun()).reset_steps()] == ["restore"]
    assert KindBackend(FakeRun()).reset_steps() == []
