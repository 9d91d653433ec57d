"""Namespace names are DNS-1123 labels and label values keep their syntax, however long the input."""

from __future__ import annotations

import re

from provisioner.backends.kubernetes.names import Identity, dns_label, label_value, labels
from provisioner.core.state import InstanceRef

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def test_the_namespace_is_lab_lab_instance() -> None:
    assert Identity(InstanceRef("mod-008", "ada"), "ada", "0123456789ab").namespace == "lab-mod-008-ada"


def test_a_name_too_long_for_a_label_is_cut_with_a_hash_that_keeps_two_apart() -> None:
    lab = "a" * 41
    first = Identity(InstanceRef(lab, "b" * 30 + "1"), None, "h").namespace
    second = Identity(InstanceRef(lab, "b" * 30 + "2"), None, "h").namespace
    assert first != second
    assert all(len(n) <= 63 and DNS_LABEL.match(n) for n in (first, second))


def test_names_and_values_lose_what_their_syntax_refuses() -> None:
    assert dns_label("Lab_X--") == "lab-x"
    assert label_value("mod-008/ada") == "mod-008.ada"
    assert LABEL_VALUE.match(label_value("/" + "x" * 80 + "/"))


def test_the_labels_carry_tool_lab_instance_student_and_state_root() -> None:
    assert labels(Identity(InstanceRef("mod-008", "ada"), None, "0123456789ab")) == {
        "lab.org/tool": "lab",
        "lab.org/lab": "mod-008",
        "lab.org/instance": "mod-008.ada",
        "lab.org/student": "",
        "lab.org/home": "0123456789ab",
    }
