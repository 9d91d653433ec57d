"""The explicit backend registry: each backend by import path."""

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
    from provisioner.definitions.model import Lab

BUILT = {
    "local": "provisioner.backends.local.backend:LocalBackend",
    "docker": "provisioner.backends.docker.backend:DockerBackend",
    "vm": "provisioner.backends.vm.backend:VmBackend",
    "kind": "provisioner.backends.kind.backend:KindBackend",
    # A target, not a lab's own backend: it places docker labs on an existing cluster (`up --target`).
    "kubernetes": "provisioner.backends.kubernetes.backend:KubernetesBackend",
}


def is_built(name: str) -> bool:
    return name in BUILT


def get(name: str, run: Runner = proc.run) -> Backend:
    """The backend `name`, running its commands through `run`."""
    if name not in BUILT:
        raise BackendUnavailable(f"backend {name!r} is not available: no such backend", "`lab list` shows the labs")
    module, cls = BUILT[name].split(":")
    backend: Backend = getattr(importlib.import_module(module), cls)(run)
    return backend


def for_lab(lab: Lab, target: str | None = None, run: Runner = proc.run) -> Backend:
    """The backend that makes `lab`'s sandbox: its own, or `target`, which must take such labs."""
    backend = get(target or lab.sandbox.backend, run)
    backend.accepts(lab)
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
