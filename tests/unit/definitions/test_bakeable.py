"""provision.image_playbook: a VM lab's image playbook may use only what every instance shares."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.core import paths
from provisioner.definitions.catalog import check_file
from provisioner.definitions.model import Provision

VMLAB = (Path(__file__).resolve().parents[2] / "labs" / "vmlab" / "lab.yaml").read_text()
TESTLAB = (Path(__file__).resolve().parents[2] / "labs" / "testlab" / "lab.yaml").read_text()
CLEAN = """
- name: Image
  hosts: all
  tasks:
    - name: A file every instance shares
      ansible.builtin.copy:
        src: "{{ lab_dir }}/seed/tool"
        dest: /usr/local/bin/tool
        mode: "0755"
      when: lab_vars.flavour == 'plain'
"""


@pytest.fixture
def ansible_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "ansible"
    monkeypatch.setattr(paths, "ANSIBLE_DIR", folder)
    return folder


def lab_with(tmp_path: Path, ansible_dir: Path, playbook: str | None, text: str = VMLAB, lab: str = "vmlab") -> Path:
    file = tmp_path / "labs" / lab / "lab.yaml"
    file.parent.mkdir(parents=True)
    file.write_text(text.replace("provision:\n  vars:\n", "provision:\n  image_playbook: image.yml\n  vars:\n"))
    if playbook is not None:
        (ansible_dir / "labs" / lab).mkdir(parents=True)
        (ansible_dir / "labs" / lab / "image.yml").write_text(playbook)
    return file


def test_the_field_is_optional_and_strict() -> None:
    assert Provision().image_playbook is None
    assert Provision.model_validate({"image_playbook": "image.yml"}).image_playbook == "image.yml"


def test_an_image_playbook_with_shared_data_only_is_valid(tmp_path: Path, ansible_dir: Path) -> None:
    lab, problems = check_file(lab_with(tmp_path, ansible_dir, CLEAN))
    assert problems == [] and lab is not None and lab.provision.image_playbook == "image.yml"


def test_instance_only_data_is_refused_with_file_and_place(tmp_path: Path, ansible_dir: Path) -> None:
    book = CLEAN.replace('mode: "0755"', 'mode: "0755"\n        owner: "{{ student }}"')
    book = book.replace("lab_vars.flavour == 'plain'", "endpoints.ssh is defined")
    book = book.replace("hosts: all", "hosts: all\n  gather_facts: true")
    _lab, problems = check_file(lab_with(tmp_path, ansible_dir, book))
    shown = ansible_dir / "labs" / "vmlab" / "image.yml"
    assert [p.split("lab.yaml: ", 1)[1] for p in problems] == [
        f"provision.image_playbook: {shown} {where}: {why}"
        for where, why in [
            ("[0].gather_facts", "facts gathered in a chroot describe the build machine, not the VM"),
            (
                "[0].tasks[0].ansible.builtin.copy.owner",
                "uses 'student', which only an instance has (the instance's learner)",
            ),
            ("[0].tasks[0].when", "uses 'endpoints', which only an instance has (the instance's ports)"),
        ]
    ]


def test_only_vm_labs_bake_an_image(tmp_path: Path, ansible_dir: Path) -> None:
    _lab, problems = check_file(lab_with(tmp_path, ansible_dir, CLEAN, TESTLAB, "testlab"))
    assert [p.split("lab.yaml: ", 1)[1] for p in problems if "image_playbook" in p] == [
        "provision.image_playbook: only vm labs have an image to bake (this lab's backend is local)"
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("site.yml", "site.yml configures each instance; give the image a playbook of its own"),
        ("../other/image.yml", "'../other/image.yml' must be a file in ansible/labs/vmlab/"),
        ("missing.yml", "no file "),
    ],
)
def test_the_playbook_must_be_a_file_of_its_own(tmp_path: Path, ansible_dir: Path, name: str, message: str) -> None:
    file = lab_with(tmp_path, ansible_dir, None)
    file.write_text(file.read_text().replace("image_playbook: image.yml", f"image_playbook: {name}"))
    _lab, problems = check_file(file)
    assert len(problems) == 1 and f"provision.image_playbook: {message}" in problems[0]
