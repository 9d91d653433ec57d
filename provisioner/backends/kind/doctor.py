"""`lab doctor` for the kind backend: the kind, kubectl and helm binaries, the node image, and
whether the engine can run the privileged containers kind makes its nodes from."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

from provisioner.backends.common import images
from provisioner.backends.common.engine import can_fix
from provisioner.backends.common.findings import Finding, finding
from provisioner.backends.common.runner import Runner
from provisioner.backends.kind import tools
from provisioner.backends.kind.images import node_tag
from provisioner.core import paths
from provisioner.core.errors import LabError

SHIM = Path("/usr/local/libexec/lab/runc-capfit")
DAEMON_JSON = Path("/etc/docker/daemon.json")
RUNTIME = "lab-capfit"
CAPS_REFUSED = "unable to apply caps"
# Built with the node image, so their versions match the cluster's.
TOOLS = ("kind", "kubectl", "helm")


def findings(run: Runner, fix: bool) -> list[Finding]:
    """kind and the node image limit only the kind labs (optional); a refused privileged
    container is fixed by `fix` where this machine's engine is ours to configure."""
    found = [*(_tool(name) for name in TOOLS), _node_image(run)]
    probe = privileged(run)
    if fix and probe["ok"] is False and can_fix() and CAPS_REFUSED in probe["detail"]:
        install_capfit(run)
        probe = privileged(run)
    return [*found, probe]


def _tool(name: str) -> Finding:
    try:
        return finding(name, True, tools.binary(name))
    except LabError as exc:
        return finding(name, False, exc.message, exc.fix or "", optional=True)


def _node_image(run: Runner) -> Finding:
    try:
        tag = node_tag(run)
    except Exception:  # no engine or no base image yet: the docker findings say so
        return finding("kind node image", False, "not built", "lab images build mod-006", optional=True)
    if images.exists(tag, run):
        return finding("kind node image", True, tag)
    return finding("kind node image", False, f"{tag} not built", "lab images build mod-006", optional=True)


def privileged(run: Runner) -> Finding:
    """kind runs each node as a privileged container; some machines' engines cannot grant every
    capability (a CI host without CAP_SYS_RESOURCE), and runc then refuses them all."""
    if not images.exists(images.BASE, run):
        return finding("privileged containers", True, "not probed yet (no base image)", optional=True)
    argv = ["docker", "run", "--rm", "--privileged", "--network=none", images.BASE, "true"]
    result = run(argv, check=False, timeout=60)
    if result.returncode == 0:
        return finding("privileged containers", True, "the engine runs them (kind nodes can start)")
    lines = [x.strip() for x in (result.stderr_tail or "").splitlines() if x.strip()]
    seen = next((x for x in lines if "rror" in x), lines[0] if lines else "no output")
    return finding(
        "privileged containers",
        False,
        f"the engine refuses them, so kind cannot start nodes: {seen}",
        "lab doctor --fix (registers a runc wrapper that leaves out capabilities this machine lacks)"
        if can_fix()
        else "run kind labs on a machine whose Docker engine runs `docker run --privileged`",
        optional=True,
    )


def install_capfit(run: Runner) -> None:
    """Install scripts/runc-capfit, make it the engine's default runtime, reload dockerd (SIGHUP
    reloads runtimes without touching running containers). docs/host-changes.md says how to undo."""
    SHIM.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(paths.SCRIPTS_DIR / "runc-capfit", SHIM)
    SHIM.chmod(0o755)
    config = json.loads(DAEMON_JSON.read_text()) if DAEMON_JSON.exists() else {}
    config.setdefault("runtimes", {})[RUNTIME] = {"path": str(SHIM)}
    config["default-runtime"] = RUNTIME
    DAEMON_JSON.parent.mkdir(parents=True, exist_ok=True)
    DAEMON_JSON.write_text(json.dumps(config, indent=2) + "\n")
    pid = run(["pgrep", "-xo", "dockerd"], check=False, timeout=10).stdout.strip()
    if pid:
        os.kill(int(pid), signal.SIGHUP)
        time.sleep(1)  # dockerd reloads asynchronously
