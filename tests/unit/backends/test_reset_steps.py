"""Which backends `lab reset` serves, and with which steps."""

from __future__ import annotations

from provisioner.backends.docker.backend import DockerBackend
from provisioner.backends.vm.backend import VmBackend
from tests.unit.backends.fake_run import FakeRun


def test_docker_resets_with_the_shared_up_steps_apply_as_replace_and_vms_are_refused() -> None:
    assert [s.name for s in DockerBackend(FakeRun()).reset_steps()] == ["render", "init", "replace", "configure"]
    assert VmBackend(FakeRun()).reset_steps() == []
