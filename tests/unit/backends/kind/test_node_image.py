"""The node image preloads every image the cluster's manifests name: nothing is ever pulled, so an
image a manifest names and the build forgot would leave a pod in ImagePullBackOff offline."""

from __future__ import annotations

import re

from provisioner.core import paths

NODE = paths.IMAGES_DIR / "kind-node"
MANIFESTS = [
    *(paths.ANSIBLE_DIR / "roles" / "kind_addons" / "files").glob("*.yaml"),
    NODE / "manifests" / "default-cni.yaml",
]


def versions() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (NODE / "versions.env").read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs if not k.startswith("#")}


def preloaded() -> set[str]:
    """The images the build script adds to kubeadm's list (PRELOAD+=), with versions.env filled in."""
    script = (NODE / "build").read_text()
    listed = script[script.index("PRELOAD+=(") + len("PRELOAD+=(") :]
    names = re.findall(r'"?([^\s"()]+:[^\s"()]+)"?', listed[: listed.index(")")])
    known = versions()
    return {re.sub(r"\$\{?(\w+)\}?", lambda m: known.get(m[1], m[0]), n) for n in names}


def test_every_image_an_add_on_or_the_cni_names_is_built_and_preloaded() -> None:
    named = {m for path in MANIFESTS for m in re.findall(r"^\s*image: (\S+)", path.read_text(), re.M)}
    assert named, "the manifests name images"
    missing = {n for n in named if n not in preloaded() and f"docker.io/{n}" not in preloaded()}
    assert not missing, f"named by a manifest but not built into the node image: {sorted(missing)}"
