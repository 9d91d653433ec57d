"""A cluster by its name, outside Terraform: loading images, the sweep of `down`, gc's orphans,
diagnostics. Clusters are found through their instance's labelled network; nothing without this
state root's labels is touched."""

from __future__ import annotations

import tempfile
from pathlib import Path

from provisioner.backends.common.runner import Runner
from provisioner.backends.kind import doctor, tools
from provisioner.core.errors import InfraError

# Not docker's org.lab.instance: the docker backend would list these networks as its own orphans.
LABEL_INSTANCE = "org.lab.cluster-instance"
LABEL_HOME = "org.lab.home"
Orphan = dict[str, str]


def ownership(key: str, home: str) -> dict[str, str]:
    return {LABEL_INSTANCE: key, LABEL_HOME: home}


def require_privileged(run: Runner) -> None:
    """kind starts nodes as privileged containers: say so before a minute of cluster creation."""
    probe = doctor.privileged(run)
    if not probe["ok"]:
        raise InfraError(probe["detail"], probe["fix"])


def load(run: Runner, name: str, tags: list[str], seconds: float, nodes: list[str] | None = None) -> None:
    """Copy images from the engine into the containerd of every node, or of `nodes` only
    (`kind load docker-image`: it skips a node that has an image of the same id)."""
    only = ["--nodes", ",".join(nodes)] if nodes else []
    run([tools.binary("kind"), "load", "docker-image", *tags, "--name", name, *only], timeout=seconds)


def remove(run: Runner, name: str, key: str, kubeconfig: Path | None = None) -> None:
    """Delete the cluster `name` (a no-op when it does not exist) and its network. kind edits the
    kubeconfig it is given (beside a lock file): the instance's, else a scratch one, never ~/.kube."""
    delete(run, name, kubeconfig)
    filters = ["--filter", f"label={LABEL_INSTANCE}={key}", "--filter", f"name=^{name}$"]
    for net in run(["docker", "network", "ls", "-q", *filters], check=False, timeout=60).stdout.split():
        run(["docker", "network", "rm", net], check=False, timeout=60)


def delete(run: Runner, name: str, kubeconfig: Path | None = None) -> None:
    """`kind delete cluster`: its nodes and its kubeconfig entry; a no-op when it does not exist."""
    with tempfile.TemporaryDirectory() as scratch:
        config = str(kubeconfig or Path(scratch) / "kubeconfig")
        argv = [tools.binary("kind"), "delete", "cluster", "--name", name, "--kubeconfig", config]
        run(argv, check=False, timeout=180)


def orphans(run: Runner, known: set[str], home: str) -> list[Orphan]:
    """Clusters this state root made (by their labelled network) whose instance is not in `known`."""
    argv = ["docker", "network", "ls", "--filter", f"label={LABEL_INSTANCE}", "--filter", f"label={LABEL_HOME}={home}"]
    fmt = ["--format", f'{{{{.Name}}}} {{{{.Label "{LABEL_INSTANCE}"}}}}']
    found = []
    for line in run([*argv, *fmt], check=False, timeout=60).stdout.splitlines():
        name, _, key = line.partition(" ")
        if key not in known:
            found.append({"backend": "kind", "kind": "cluster", "id": name, "instance": key})
    return found


def export_logs(run: Runner, name: str, dest: Path) -> None:
    """The nodes' journals, kubelet and container logs (`kind export logs`)."""
    run([tools.binary("kind"), "export", "logs", str(dest / "kind"), "--name", name], check=False, timeout=180)
