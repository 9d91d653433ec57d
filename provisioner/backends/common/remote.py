"""Lab images in a container registry: pulled before a build, pushed by `lab images push`.

`LAB_IMAGE_REGISTRY=HOST:PORT[/prefix]` names it; credentials are Docker's own (`docker login`),
never lab's. A lab image's tag hashes its folder and the id of the base image, so the base comes
first, tagged by the hash of its build definition: once it is pulled, every other tag computed
here is the one CI computed and pushed. Whatever the registry lacks is built here, as without one.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from provisioner.backends.common.runner import Runner
from provisioner.core import deadlines
from provisioner.core.errors import InfraError

ENV = "LAB_IMAGE_REGISTRY"
# The same registry under the name a cluster's nodes pull it by, where that differs from this
# machine's (a registry this machine reaches as localhost:5000, the nodes by its own address).
CLUSTER_ENV = "LAB_CLUSTER_REGISTRY"
Progress = Callable[[str], None]
# What `docker pull` says when the registry refuses our credentials (distribution, Docker Hub).
REFUSED = ("unauthorized", "authentication required", "no basic auth credentials", "denied")
MISSING = ("manifest unknown", "not found", "does not exist")
# References this process found missing or could not reach: said once, not tried again.
_missed: set[str] = set()
# Local tags this process pulled: where a cohort's images came from.
pulled: set[str] = set()


def registry() -> str | None:
    """HOST:PORT[/prefix] from the environment, or None: no registry, build everything here."""
    return os.environ.get(ENV, "").strip().strip("/") or None


def cluster_registry() -> str | None:
    """HOST:PORT[/prefix] the cluster's nodes pull from, or None: the same name as registry()."""
    return os.environ.get(CLUSTER_ENV, "").strip().strip("/") or None


def remote_ref(registry: str, tag: str) -> str:
    """lab/<name>:<hash> as the registry names it: HOST:PORT[/prefix]/lab/<name>:<hash>."""
    return f"{registry}/{tag}"


def pull(tag: str, progress: Progress, run: Runner, remote_tag: str | None = None) -> bool:
    """Pull `remote_tag` (default: `tag`) from the registry and name it `tag` here. False, said in
    one line, when there is no registry, it cannot be reached or lacks the tag (the caller builds);
    raises when the registry refuses the credentials, since building around that would hide it."""
    where = registry()
    if where is None:
        return False
    ref = remote_ref(where, remote_tag or tag)
    if ref in _missed:
        return False
    result = run(["docker", "pull", "-q", ref], check=False, timeout=deadlines.IMAGE_PULL.seconds())
    if result.returncode == 0:
        run(["docker", "tag", ref, tag], timeout=60)
        run(["docker", "rmi", ref], check=False, timeout=60)  # the local name is the one lab uses
        progress(f"pulled {tag} from {where}")
        pulled.add(tag)
        return True
    said = (result.stderr_tail or result.stdout or "").strip().splitlines()
    reason = said[-1] if said else f"docker pull exited with {result.returncode}"
    if any(word in reason.lower() for word in REFUSED):
        raise InfraError(f"the registry {where} refused the credentials: {reason}", f"run `docker login {where}`")
    what = "has no" if any(word in reason.lower() for word in MISSING) else "cannot be reached for"
    _missed.add(ref)
    progress(f"the registry {where} {what} {tag} ({reason}): building it here")
    return False


def push(tag: str, where: str, progress: Progress, run: Runner, remote_tag: str | None = None) -> str:
    """Push a built image as `remote_tag` (default: its own tag); returns the registry's name for it."""
    ref = remote_ref(where, remote_tag or tag)
    run(["docker", "tag", tag, ref], timeout=60)
    try:
        progress(f"pushing {ref}")
        run(["docker", "push", "-q", ref], timeout=deadlines.IMAGE_PULL.seconds())
    finally:
        run(["docker", "rmi", ref], check=False, timeout=60)
    return ref


def state(tag: str, run: Runner) -> str:
    """Whether the registry has `tag`: present, missing, or what kept us from knowing."""
    where = registry()
    if where is None:
        return f"unknown: no registry ({ENV} is not set)"
    result = run(["docker", "manifest", "inspect", remote_ref(where, tag)], check=False, timeout=60)
    if result.returncode == 0:
        return "present"
    said = (result.stderr_tail or result.stdout or "").strip().splitlines()
    reason = said[-1] if said else f"docker manifest inspect exited with {result.returncode}"
    if any(word in reason.lower() for word in ("no such manifest", *MISSING)):
        return "missing"
    return f"unknown: {reason}"
