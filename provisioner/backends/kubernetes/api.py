"""What every call to the cluster shares: the typed APIs over one client, one request timeout,
and the API's failures as the tool's typed errors (naming the server, with a fix)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from provisioner.core.errors import InfraError, LabError, UsageError

# One request, not one wait: waits poll with their own deadline (core/deadlines.py callers).
REQUEST_SECONDS = 30
ADMIN = "a kubeconfig whose user may create namespaces, RBAC objects and workloads (a cluster admin's)"


def core(client: Any) -> Any:
    # Imported here, not at the top: the client takes about half a second to import, and only
    # cluster targets need it (`lab --help` stays fast).
    from kubernetes.client import CoreV1Api

    return CoreV1Api(client)


def apps(client: Any) -> Any:
    from kubernetes.client import AppsV1Api  # as in core(): `lab --help` stays fast

    return AppsV1Api(client)


def status(exc: BaseException) -> int | None:
    """The HTTP status of an ApiException; None for anything else (no answer at all)."""
    code = getattr(exc, "status", None)
    return code if isinstance(code, int) else None


@contextmanager
def calling(client: Any, doing: str) -> Iterator[None]:
    """Turn what the client raises into a UsageError (credentials refused) or an InfraError."""
    try:
        yield
    except LabError:
        raise
    except Exception as exc:
        if not _from_the_client(exc):
            raise
        raise failure(exc, client, doing) from exc


def failure(exc: Exception, client: Any, doing: str) -> LabError:
    server, code = client.configuration.host, status(exc)
    if code is None:
        return InfraError(
            f"the API server {server} did not answer ({type(exc).__name__}) to {doing}",
            "is the cluster running and its address reachable from here? `kubectl cluster-info` says",
        )
    said = f"the API server {server} answered {code} to {doing}: {_message(exc)}"
    return UsageError(said, ADMIN) if code in (401, 403) else InfraError(said, "run with --debug for the traceback")


def _message(exc: Exception) -> str:
    """The Status object's message, which says what was refused; never the request's body."""
    try:
        return str(json.loads(getattr(exc, "body", None) or "{}").get("message") or exc.__class__.__name__)
    except (ValueError, AttributeError):
        return str(getattr(exc, "reason", "")) or exc.__class__.__name__


def _from_the_client(exc: Exception) -> bool:
    # Both as in core(): `lab --help` stays fast.
    import urllib3
    from kubernetes.client.exceptions import ApiException

    return isinstance(exc, ApiException | urllib3.exceptions.HTTPError)


def namespace_or_none(client: Any, name: str) -> Any:
    """The namespace as the API has it, or None when there is none (404)."""
    with calling(client, f"read namespace {name}"):
        try:
            return core(client).read_namespace(name, _request_timeout=REQUEST_SECONDS)
        except Exception as exc:
            if status(exc) == 404:
                return None
            raise
