"""Connecting to an existing cluster with the admin's kubeconfig: a wrong file or context is the
user's to fix (UsageError), a server that does not answer is not (InfraError naming it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from provisioner.backends.kubernetes.api import REQUEST_SECONDS, calling
from provisioner.core.errors import UsageError


def connect(kubeconfig: Path, context: str | None) -> Any:
    """An ApiClient for the kubeconfig's context (its current one by default), once the server
    has answered: a wrong file or context is the user's to fix, a silent server is not."""
    _require_context(read(kubeconfig), context, kubeconfig)
    from kubernetes import client, config  # as in api.core(): `lab --help` stays fast

    try:
        api = config.new_client_from_config(config_file=str(kubeconfig), context=context)
    except Exception as exc:  # ConfigException, or a TypeError/KeyError on a malformed entry
        raise UsageError(f"{kubeconfig} is not a usable kubeconfig: {exc}", _fix(kubeconfig)) from exc
    with calling(api, "a version request"):
        client.VersionApi(api).get_code(_request_timeout=REQUEST_SECONDS)
    return api


def read(kubeconfig: Path) -> dict[str, Any]:
    """The kubeconfig as a mapping; one that cannot be read or is not one is the user's to fix."""
    try:
        loaded = yaml.safe_load(kubeconfig.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read the kubeconfig {kubeconfig}: {exc}", _fix(kubeconfig)) from exc
    if not isinstance(loaded, dict):
        raise UsageError(f"{kubeconfig} is not a kubeconfig (no mapping in it)", _fix(kubeconfig))
    return loaded


def _require_context(loaded: dict[str, Any], context: str | None, kubeconfig: Path) -> None:
    name = context or loaded.get("current-context")
    known = [c.get("name") for c in loaded.get("contexts") or [] if isinstance(c, dict)]
    if name not in known:
        have = ", ".join(str(k) for k in known) or "none"
        raise UsageError(f"the kubeconfig {kubeconfig} has no context {name!r} (it has: {have})", _fix(kubeconfig))


def _fix(kubeconfig: Path) -> str:
    return f"--kubeconfig PATH and --context NAME, one of `kubectl config get-contexts --kubeconfig {kubeconfig}`"
