"""How long a Terraform or Ansible run may take before it is stopped.

A deadline scales with the work (a base plus so much per component) and with the machine:
LAB_TIMEOUT_SCALE multiplies every deadline, for slow machines (software-emulated VMs, CI
runners under load). Nothing `lab` waits on is allowed to wait forever.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from provisioner.core.errors import UsageError

SCALE_ENV = "LAB_TIMEOUT_SCALE"


@dataclass(frozen=True)
class Cost:
    """Seconds for a run: `base` once, plus `per_unit` for each component it handles."""

    base: float
    per_unit: float = 0.0

    def seconds(self, units: int = 1) -> float:
        return (self.base + self.per_unit * max(1, units)) * scale()


def scale() -> float:
    raw = os.environ.get(SCALE_ENV, "1")
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise UsageError(f"{SCALE_ENV}={raw!r} is not a positive number", f"for example {SCALE_ENV}=2")
    return value


# Terraform's own steps, the same for every backend: init copies providers, output reads state.
INIT = Cost(120)
OUTPUT = Cost(30)
# One image build: the largest (an ML pipeline's Python stack) took 8 minutes under load.
IMAGE_BUILD = Cost(1800)
# One image pulled from or pushed to a registry: the largest lab image is about 2 GB.
IMAGE_PULL = Cost(900)
# The kind node image from source: about 2,500 CPU s cold (Kubernetes, Traefik, CoreDNS the most),
# so 20 minutes on an idle 2-core machine; 5400 s leaves room for a loaded one.
NODE_IMAGE_BUILD = Cost(5400)
# A reference solution script (some wait for an alert to fire and resolve: about a minute).
SOLUTION = Cost(600)
# A namespace on a cluster until its workloads are ready: pulls of lab images onto a node (up to
# 2 GB each) dominate, per component.
NAMESPACE_READY = Cost(120, 120)
# A deleted namespace until the API says it is gone: its pods' grace periods (30 s) and the
# claims' volumes released by the storage provisioner.
NAMESPACE_GONE = Cost(180)
# A `kubectl port-forward` until it listens: one API round trip to find the service's pod and open
# the stream; a pod that is not running makes kubectl exit at once instead. Generous: a machine
# running a class's sandboxes (load 30 on two cores was seen in CI) starts kubectl slowly.
PORT_FORWARD = Cost(60)
