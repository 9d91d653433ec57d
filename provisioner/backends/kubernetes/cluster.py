"""An existing cluster through its API (the `kubernetes` client): server-side apply of an
instance's objects, the student's token, and the namespaces this state root made. Connecting is
in connection.py, waits in waits.py, the capacity check in capacity.py."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from provisioner import TOOL
from provisioner.backends.kubernetes.api import REQUEST_SECONDS, calling, core, namespace_or_none
from provisioner.backends.kubernetes.isolation import STUDENT
from provisioner.backends.kubernetes.names import LABEL_HOME, LABEL_INSTANCE, LABEL_TOOL, label_value
from provisioner.core.errors import InfraError, UsageError

APPLY = "application/apply-patch+yaml"  # JSON is YAML: the client sends the dict as JSON
# Every kind manifests.py makes, by path: no discovery round trips, and a kind added there
# without a line here fails in the unit tests rather than on a cluster.
PLURALS = {
    "Namespace": "namespaces",
    "ResourceQuota": "resourcequotas",
    "LimitRange": "limitranges",
    "NetworkPolicy": "networkpolicies",
    "ServiceAccount": "serviceaccounts",
    "Role": "roles",
    "RoleBinding": "rolebindings",
    "Secret": "secrets",
    "Deployment": "deployments",
    "StatefulSet": "statefulsets",
    "Service": "services",
}


def apply(client: Any, objects: Sequence[dict[str, Any]], field_manager: str = TOOL) -> None:
    """Server-side apply of each object, in order, the same calls every time. Forced: the lab
    owns these fields, so one changed by hand goes back to the lab's value."""
    for namespace in (o for o in objects if o["kind"] == "Namespace"):
        _require_ours(client, namespace)
    for obj in objects:
        with calling(client, f"apply {obj['kind']} {obj['metadata']['name']}"):
            response = client.call_api(
                path(obj),
                "PATCH",
                query_params=[("fieldManager", field_manager), ("force", "true")],
                header_params={"Content-Type": APPLY, "Accept": "application/json"},
                body=obj,
                auth_settings=["BearerToken"],
                _return_http_data_only=True,
                # Unread, so never logged: the client logs response bodies at DEBUG, Secrets too.
                _preload_content=False,
                _request_timeout=REQUEST_SECONDS,
            )
            response.drain_conn()


def path(obj: dict[str, Any]) -> str:
    group = "/api/v1" if obj["apiVersion"] == "v1" else f"/apis/{obj['apiVersion']}"
    meta = obj["metadata"]
    where = "" if obj["kind"] == "Namespace" else f"/namespaces/{meta['namespace']}"
    return f"{group}{where}/{PLURALS[obj['kind']]}/{meta['name']}"


def _require_ours(client: Any, namespace: dict[str, Any]) -> None:
    """Refuse a namespace another state root (or anyone but this tool) made: applying would take
    it over, and the other's `down` would then delete this one's sandbox."""
    name, home = namespace["metadata"]["name"], namespace["metadata"]["labels"][LABEL_HOME]
    found = namespace_or_none(client, name)
    theirs = (found.metadata.labels or {}) if found else {}
    if found and theirs.get(LABEL_HOME) != home:
        owner = f"state root {theirs[LABEL_HOME]}" if LABEL_HOME in theirs else f"something other than {TOOL}"
        raise UsageError(
            f"namespace {name} already exists and belongs to {owner}, not to this one ({home})",
            "`lab down` it from the state root (LAB_HOME) that made it, or use another instance name",
        )
    if found and found.status and found.status.phase == "Terminating":
        # The API would refuse each object with a 403 that reads like missing rights.
        raise InfraError(f"namespace {name} is still being deleted (an earlier down)", "try again once it is gone")


def student_token(client: Any, namespace: str, seconds: int) -> str:
    """A TokenRequest for the student's ServiceAccount. The response is read here, not by the
    client, which would log it at DEBUG; nothing here says the token."""
    body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {"expirationSeconds": seconds}}
    with calling(client, f"request a token for {namespace}/{STUDENT}"):
        response = core(client).create_namespaced_service_account_token(
            STUDENT, namespace, body, _preload_content=False, _request_timeout=REQUEST_SECONDS
        )
        return str(json.loads(response.data)["status"]["token"])


def namespaces(client: Any, home: str) -> dict[str, str]:
    """This tool's namespaces of the state root `home`, each with its instance label (lab.name,
    as names.label_value writes it): what `down` sweeps and gc compares with known instances."""
    selector = f"{LABEL_TOOL}={label_value(TOOL)},{LABEL_HOME}={label_value(home)}"
    with calling(client, "list this state root's namespaces"):
        found = core(client).list_namespace(label_selector=selector, _request_timeout=REQUEST_SECONDS).items
    return {n.metadata.name: (n.metadata.labels or {}).get(LABEL_INSTANCE, "") for n in found}
