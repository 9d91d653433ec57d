"""The kind backend's images: the node image built from source (images/kind-node), and the lab
images each cluster gets under the names its manifests use."""

from __future__ import annotations

import os
from collections.abc import Callable

from provisioner.backends.common import images, remote
from provisioner.backends.common.runner import Runner
from provisioner.core import deadlines, paths
from provisioner.definitions.sandbox import ClusterImage

NODE = "kind-node"
Progress = Callable[[str], None]


def node_tag(run: Runner) -> str:
    """lab/kind-node:<hash of images/kind-node and of the base image>."""
    return images.tag_for(NODE, run)


def ensure_node(progress: Progress, run: Runner) -> str:
    """Pull (where a registry has it) or build the node image unless one with the same content
    hash exists; returns its tag."""
    if images.exists(images.BASE, run) and images.exists(tag := node_tag(run), run):
        return tag
    with images.build_lock():
        images.ensure_base(progress, run)
        tag = node_tag(run)
        if not images.exists(tag, run) and not remote.pull(tag, progress, run):
            progress(f"building the kind node image {tag} from source (about 20 minutes the first time)")
            run(
                ["bash", str(paths.IMAGES_DIR / NODE / "build"), tag],
                on_line=lambda line: _build_line(line, progress),
                timeout=deadlines.NODE_IMAGE_BUILD.seconds(),
                env=os.environ | {"LAB_BASE_IMAGE": images.BASE},
            )
    return tag


def _build_line(line: str, progress: Progress) -> None:
    # The build's own lines (one per part, with its time); Go's download chatter stays in the log.
    if line.startswith("kind-node: "):
        progress(line.removeprefix("kind-node: ").strip())


def ensure_cluster_images(wanted: list[ClusterImage], progress: Progress, run: Runner) -> list[str]:
    """Build each lab image, then tag it as the cluster sees it (with its baked-in environment)."""
    for item in wanted:
        built = images.ensure(item.image, progress, run)
        if item.env:
            lines = [f"FROM {built}"] + [f"ENV {k}={v}" for k, v in item.env.items()]
            run(
                ["docker", "build", "-q", "--force-rm", "-t", item.tag, "-"],
                stdin_data="\n".join(lines) + "\n",
                env=os.environ | {"DOCKER_BUILDKIT": "0"},
                timeout=deadlines.IMAGE_BUILD.seconds(),
            )
        else:
            run(["docker", "tag", built, item.tag], timeout=60)
    return [item.tag for item in wanted]
