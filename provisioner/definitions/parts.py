"""Where a lab's parts live. One id names them all (docs/writing-labs.md, "Where a lab's parts live").

Paths:
    labs/<id>/lab.yaml            the definition; solutions, starter and seed files beside it
    ansible/labs/<id>/site.yml    the playbook that configures a new instance (optional)
    ansible/labs/<id>/<file>      the image playbook baked into a VM lab's image (provision.image_playbook)
    terraform/<backend>/          the Terraform module, one per backend, shared by its labs
    images/<image>/               container images, shared by name (components[].image)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from provisioner.core import paths
from provisioner.definitions import catalog

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab

PLAYBOOK = "site.yml"


def folder(lab_id: str) -> Path:
    """The lab's own folder (labs/<id>/, or one on LAB_PATH)."""
    return catalog.resolve(lab_id).parent


def playbooks(lab_id: str) -> list[Path]:
    """The playbooks `up` runs after Terraform: ansible/labs/<id>/site.yml when there is one."""
    book = playbook_folder(lab_id) / PLAYBOOK
    return [book] if book.is_file() else []


def playbook_folder(lab_id: str) -> Path:
    return paths.ANSIBLE_DIR / "labs" / lab_id


def image_playbook(lab: Lab) -> Path | None:
    """The playbook baked into a VM lab's image (provision.image_playbook), if it names one."""
    name = lab.provision.image_playbook
    return playbook_folder(lab.id) / name if name else None


def terraform_module(backend: str) -> Path:
    return paths.TERRAFORM_DIR / backend
