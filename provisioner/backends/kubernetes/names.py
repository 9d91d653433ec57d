"""Names and ownership labels of an instance's Kubernetes objects.

Object names must be DNS-1123 labels and label values have their own syntax, both at most 63
characters; a lab id (41) and an instance name (31) can exceed that together, so a name that
would be cut keeps a hash of the whole instead: two long names sharing a prefix stay apart."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from provisioner import TOOL
from provisioner.core.state import InstanceRef

MAX_LENGTH = 63
# The docker backend's labels are org.lab.<key>; Kubernetes wants a DNS prefix before a slash.
LABEL_PREFIX = "lab.org/"
LABEL_COMPONENT = f"{LABEL_PREFIX}component"
LABEL_TOOL = f"{LABEL_PREFIX}tool"
LABEL_HOME = f"{LABEL_PREFIX}home"  # the state root: two never share a namespace
LABEL_INSTANCE = f"{LABEL_PREFIX}instance"


@dataclass(frozen=True)
class Identity:
    """Whose objects these are: the same ownership the docker backend writes on its resources."""

    ref: InstanceRef
    student: str | None
    home: str  # ownership.home_id() of the state root that made the instance

    @property
    def namespace(self) -> str:
        return dns_label(f"lab-{self.ref.lab}-{self.ref.instance}")


def dns_label(text: str) -> str:
    return _bounded(re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-"), text)


def label_value(text: str) -> str:
    """'.' for what a label value cannot hold: the instance key mod-008/ada reads mod-008.ada,
    unambiguous since lab ids and instance names have no dots."""
    return _bounded(re.sub(r"[^A-Za-z0-9_.-]+", ".", text).strip("-_."), text)


def _bounded(name: str, original: str) -> str:
    if len(name) <= MAX_LENGTH:
        return name
    digest = hashlib.sha256(original.encode()).hexdigest()[:8]
    return f"{name[: MAX_LENGTH - len(digest) - 1].rstrip('-_.')}-{digest}"


def labels(identity: Identity) -> dict[str, str]:
    """Tool, lab, instance, student and state root, as `down` and `gc` will select by them."""
    values = {
        "tool": TOOL,
        "lab": identity.ref.lab,
        "instance": identity.ref.key,
        "student": identity.student or "",
        "home": identity.home,
    }
    return {f"{LABEL_PREFIX}{key}": label_value(value) for key, value in values.items()}


def metadata(identity: Identity, name: str) -> dict[str, Any]:
    """Every namespaced object carries the instance's labels, so a label selector finds it all."""
    return {"name": name, "namespace": identity.namespace, "labels": labels(identity)}
