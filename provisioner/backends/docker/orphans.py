"""Docker resources by their ownership labels: the sweep of `down` and `gc`'s orphans. Nothing
without this state root's labels is touched."""

from __future__ import annotations

import json
from pathlib import Path

from provisioner.backends.common.ownership import home_id
from provisioner.backends.common.runner import Runner
from provisioner.core.parallel import in_order

LABEL_INSTANCE = "org.lab.instance"
LABEL_HOME = "org.lab.home"
# How to list and remove each kind of resource; in removal order (containers hold networks and volumes).
LIST = {"container": ["ps", "-a"], "network": ["network", "ls"], "volume": ["volume", "ls"]}
REMOVE = {"container": ["rm", "-f", "-v"], "network": ["network", "rm"], "volume": ["volume", "rm", "-f"]}
Orphan = dict[str, str]
SWEPT = frozenset({"docker_container", "docker_volume", "terraform_data"})


def home_label() -> str:
    """Which state root made a resource: gc and sweep never touch another LAB_HOME's sandboxes."""
    return f"{LABEL_HOME}={home_id()}"


def labelled(run: Runner, kind: str, *labels: str, show: str | None = None) -> list[str]:
    """IDs of containers, networks or volumes carrying every label (key or key=value); nothing else.
    With show, each line is "ID VALUE" where VALUE is that label's value."""
    fmt = "{{.Name}}" if kind == "volume" else "{{.ID}}"
    fmt += f' {{{{.Label "{show}"}}}}' if show else ""
    filters = [arg for label in labels for arg in ("--filter", f"label={label}")]
    out = run(["docker", *LIST[kind], *filters, "--format", fmt], timeout=60).stdout
    return out.splitlines() if show else out.split()


def sweep_labelled(run: Runner, *labels: str, kinds: tuple[str, ...] = tuple(REMOVE)) -> None:
    """Containers first (they hold networks and volumes), then networks and volumes together;
    each listing and the last two removals in parallel, since `down` waits for all of it."""
    found = dict(zip(kinds, in_order(lambda kind: labelled(run, kind, *labels), kinds, 3), strict=True))

    def remove(kind: str) -> None:
        if found.get(kind):
            run(["docker", *REMOVE[kind], *found[kind]], timeout=120)

    remove("container")
    in_order(remove, [k for k in kinds if k != "container"], 2)


def sweepable(tfstate: Path) -> bool:
    """Every resource in this Terraform state is one sweep_labelled removes: terraform/docker makes
    only labelled containers and volumes, and its one terraform_data is the labelled network."""
    try:
        resources = json.loads(tfstate.read_text()).get("resources", [])
    except (OSError, ValueError):
        return False
    return all(r.get("mode") == "data" or r.get("type") in SWEPT for r in resources)


def orphans(run: Runner, known: set[str]) -> list[Orphan]:
    """Resources this state root labelled whose instance is not in `known`; nothing else is listed."""
    found = []
    for kind in LIST:
        # The instance label, not the tool label: images carry org.lab.tool, and containers inherit it.
        for line in labelled(run, kind, LABEL_INSTANCE, home_label(), show=LABEL_INSTANCE):
            rid, _, owner = line.partition(" ")
            if owner not in known:
                found.append({"backend": "docker", "kind": kind, "id": rid, "instance": owner})
    return found


def remove(run: Runner, found: list[Orphan]) -> None:
    """Remove what orphans() listed, containers before the networks and volumes they hold."""
    for item in sorted(found, key=lambda i: list(REMOVE).index(i["kind"])):
        run(["docker", *REMOVE[item["kind"]], item["id"]], check=False, timeout=120)
