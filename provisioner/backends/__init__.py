"""The explicit backend registry: built backends by import path, planned ones with a reason."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from provisioner.core import proc
from provisioner.core.errors import BackendUnavailable, UsageError
from provisioner.core.state import Store, instance_ref
from provisioner.lifecycle.steps import Context

if TYPE_CHECKING:
    from provisioner.backends.base import Backend
    from provisioner.backends.common.runner import Runner

BUILT = {
    "local": "provisioner.backends.local.backend:LocalBackend",
    "docker": "provisioner.backends.docker.backend:DockerBackend",
    "vm": "provisioner.backends.vm.backend:VmBackend",
}
PLANNED = {
    "kind": "kind clusters are not part of this version of lab",
}


def is_built(name: str) -> bool:
    return name in BUILT


def get(name: str, run: Runner = proc.run) -> Backend:
    """The backend `name`, running its commands through `run`."""
    if name not in BUILT:
        why = PLANNED.get(name, "no such backend")
        raise BackendUnavailable(
            f"backend {name!r} is not available: {why}", "pick a lab on a built backend: `lab list`"
        )
    module, cls = BUILT[name].split(":")
    backend: Backend = getattr(importlib.import_module(module), cls)(run)
    return backend


def every(run: Runner = proc.run) -> list[Backend]:
    """Each built backend, in registry order (doctor, gc and image builds loop over them)."""
    return [get(name, run) for name in BUILT]


def shell_argv(lab_id: str, instance: str, host: str | None, command: list[str], tty: bool) -> list[str]:
    """`lab shell`: the instance's own backend says how to log in to (or run `command` in) a host."""
    store = Store(instance_ref(lab_id, instance))
    backend = store.load().backend
    if backend is None:
        raise UsageError(f"{lab_id} ({instance}) is not up", f"run `lab up {lab_id}` first")
    return get(backend).shell_argv(Context(store.ref, store), host, command, tty)
