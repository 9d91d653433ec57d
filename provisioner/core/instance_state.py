"""What state.json holds for one instance: a typed, versioned record, migrated when read."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from provisioner.core.errors import UsageError
from provisioner.core.naming import legacy_name

# 0: the unversioned files written before this model (every key optional, nulls for "none").
# 1: this model; a file says its version so a newer lab's record is never half-understood.
# 2: `name`, the prefix of the instance's resource names, recorded when it is first made.
# 3: `target`, `cluster` and `port_forward`, of an instance placed on an existing cluster: a
#    version 2 lab would refuse them as unknown keys rather than say it is too old.
VERSION = 3

Status = Literal["creating", "ready", "failed", "failed-removed", "destroying"]


class ExerciseProgress(BaseModel):
    """The last `lab check` of one exercise."""

    model_config = ConfigDict(extra="forbid")

    passed: bool
    checked_at: float
    failed: list[str] = []


class ClusterPlace(BaseModel):
    """Where an instance placed on an existing cluster lives: all `down`, checks and `shell` need,
    so none of them asks for the kubeconfig again."""

    model_config = ConfigDict(extra="forbid")

    kubeconfig: str  # the admin's, as given to `up` (absolute)
    context: str | None = None  # None: the kubeconfig's current context
    namespace: str
    student_kubeconfig: str | None = None  # written 0600 in the state folder once access is made


class InstanceState(BaseModel):
    """One instance's record. Steps fill in what they produce; `update` rejects unknown names."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    version: int = VERSION
    lab: str
    instance: str
    status: Status | None = None
    backend: str | None = None
    # The target the lab's sandbox was placed on when not its own backend's (`up --target`).
    target: str | None = None
    cluster: ClusterPlace | None = None
    run_id: str | None = None
    name: str | None = None  # prefix of every resource name (core/naming.py), fixed at the first up
    definition: str | None = None  # hash of the lab definition the sandbox was made from
    created: float | None = None
    updated: float | None = None
    ready_at: float | None = None
    expires: float | None = None
    error: str | None = None
    student: str | None = None
    student_params: dict[str, str] = {}
    # Produced by the steps: Terraform outputs, then what each backend makes before it.
    endpoints: dict[str, str] = {}
    hosts: dict[str, dict[str, Any]] = {}
    ports: dict[str, int] = {}
    images: dict[str, str] = {}
    unavailable: dict[str, str] = {}  # optional component -> why it cannot run here
    ssh_key: str | None = None
    vm_image: dict[str, str] = {}
    accel: str | None = None
    seeds: dict[str, str] = {}
    ssh_ready_seconds: dict[str, float] = {}
    ssh_ready_at: float | None = None
    ssh_command: dict[str, str] = {}
    port_forward: list[str] = []  # a cluster's endpoints reach the learner through these commands
    exercises: dict[str, ExerciseProgress] = {}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a state.json of any earlier version to the current one; refuse a newer one."""
    version = data.get("version", 0)
    if not isinstance(version, int) or version > VERSION:
        raise UsageError(
            f"state of {data.get('lab')}/{data.get('instance')} was written by a newer lab (version {version})",
            "use that version of lab for this instance",
        )
    if version == 0:
        data = _from_unversioned(data)
    if data["version"] == 1:
        data = _named(data)
    if data["version"] == 2:
        data = data | {"version": 3}  # the new fields are all optional
    return data


def _named(data: dict[str, Any]) -> dict[str, Any]:
    """Records before version 2 made their resources under the name without an owner."""
    made = data.get("status") is not None
    return data | {"version": 2} | ({"name": legacy_name(data["lab"], data["instance"])} if made else {})


def _from_unversioned(data: dict[str, Any]) -> dict[str, Any]:
    """Nulls meant "none": drop them so defaults apply; keys no code reads any more go too."""
    known = InstanceState.model_fields
    return {k: v for k, v in data.items() if k in known and v is not None} | {"version": 1}
