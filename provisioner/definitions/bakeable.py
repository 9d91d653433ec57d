"""`provision.image_playbook`: what is baked into a VM image must be the same for every instance.

The image playbook runs once, at `lab images build`, in a chroot of the image, with `lab_id`,
`lab_dir` and `lab_vars` only. What exists per instance (its secrets, endpoints, name, student,
the hosts and SSH connections Terraform made) does not exist yet, and baking one instance's value
would hand it to every instance: `lab validate` refuses a playbook whose templates name one.
The check reads the playbook file itself (not the task files or roles it pulls in)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.meta
import yaml

from provisioner.core import paths

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab

FIELD = "provision.image_playbook"
INSTANCE_PLAYBOOK = "site.yml"  # parts.PLAYBOOK (parts reaches the catalog, which validates through here)
INSTANCE_ONLY = {
    "secrets": "generated per instance",
    "endpoints": "the instance's ports",
    "instance": "the instance's name",
    "student": "the instance's learner",
    "student_params": "the instance's learner",
    "hostvars": "the instance's hosts",
    "groups": "the instance's hosts",
    "inventory_hostname": "the instance's host",
    "ansible_host": "the instance's connection",
    "ansible_port": "the instance's connection",
    "ansible_user": "the instance's connection",
    "ansible_facts": "in a chroot they describe the build machine",
}
# Keys whose values Ansible evaluates as bare Jinja expressions, without {{ }}.
BARE = frozenset({"when", "failed_when", "changed_when", "until", "that"})
PARSER = jinja2.Environment(autoescape=True)  # parses only, never renders: escaping plays no part


def problems(lab: Lab) -> list[str]:
    """Every reason the lab's image playbook cannot be baked, each naming the field or the place."""
    name = lab.provision.image_playbook
    if name is None:
        return []
    if lab.sandbox.backend != "vm":
        return [f"{FIELD}: only vm labs have an image to bake (this lab's backend is {lab.sandbox.backend})"]
    if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts:
        return [f"{FIELD}: {name!r} must be a file in ansible/labs/{lab.id}/"]
    if name == INSTANCE_PLAYBOOK:
        return [f"{FIELD}: {INSTANCE_PLAYBOOK} configures each instance; give the image a playbook of its own"]
    book = paths.ANSIBLE_DIR / "labs" / lab.id / name
    shown = book.relative_to(paths.ROOT) if book.is_relative_to(paths.ROOT) else book
    if not book.is_file():
        return [f"{FIELD}: no file {shown}"]
    try:
        plays = yaml.safe_load(book.read_text())
    except yaml.YAMLError as exc:
        return [f"{FIELD}: {shown} is not YAML: {exc}"]
    return [f"{FIELD}: {shown} {where}: {why}" for where, why in playbook_problems(plays)]


def playbook_problems(plays: Any) -> Iterator[tuple[str, str]]:
    """(place in the playbook, reason) for each use of instance-only data."""
    for i, play in enumerate(plays if isinstance(plays, list) else []):
        if isinstance(play, dict) and play.get("gather_facts"):
            yield f"[{i}].gather_facts", "facts gathered in a chroot describe the build machine, not the VM"
    for where, text, bare in strings(plays, ""):
        for name in sorted(variables(text, bare) & INSTANCE_ONLY.keys()):
            yield where, f"uses {name!r}, which only an instance has ({INSTANCE_ONLY[name]})"


def strings(node: Any, where: str, bare: bool = False) -> Iterator[tuple[str, str, bool]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{where}.{key}" if where else str(key), bare or key in BARE)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from strings(value, f"{where}[{i}]", bare)
    elif isinstance(node, str):
        yield where, node, bare


def variables(text: str, bare: bool) -> set[str]:
    """The variables a template (or a bare expression) reads; none if Jinja cannot parse it."""
    source = f"{{{{ {text} }}}}" if bare else text
    if not bare and "{" not in text:
        return set()
    try:
        return jinja2.meta.find_undeclared_variables(PARSER.parse(source))
    except jinja2.TemplateSyntaxError:
        return set()
