"""The kind and kubectl binaries, and the environment commands on this machine use to reach an
instance's cluster (checks, solution playbooks and scripts, `lab shell`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from provisioner.core.errors import InfraError
from provisioner.lifecycle.steps import Context


def tools_dir() -> Path:
    """Where images/kind-node/build puts the binaries it builds (kind, kubectl, ...)."""
    return Path(os.environ.get("LAB_CACHE") or Path.home() / ".cache" / "lab") / "kind-node" / "bin"


def binary(name: str) -> str:
    """The one built with the node image (its version matches the cluster: kubectl supports one
    minor version of skew), else `name` from PATH."""
    found = shutil.which(name, path=str(tools_dir())) or shutil.which(name)
    if found is None:
        raise InfraError(
            f"{name} is not installed",
            f"`lab images build mod-006` builds it (into {tools_dir()}), or install {name} on your PATH",
        )
    return found


def kubeconfig(ctx: Context) -> Path:
    """The instance's own kubeconfig, 0600 in its state folder: ~/.kube/config is never touched."""
    return ctx.store.path("kubeconfig")


def machine_env(ctx: Context) -> dict[str, str]:
    """KUBECONFIG of the instance (also as K8S_AUTH_KUBECONFIG, what kubernetes.core reads), and
    the built tools ahead of the user's own on PATH (see binary)."""
    config = str(kubeconfig(ctx))
    return {"KUBECONFIG": config, "K8S_AUTH_KUBECONFIG": config, "PATH": tools_path()}


def tools_path() -> str:
    """PATH with the built tools first (see binary)."""
    return f"{tools_dir()}{os.pathsep}{os.environ.get('PATH', os.defpath)}"
