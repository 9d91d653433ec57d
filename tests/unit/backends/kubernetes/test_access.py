"""A student's kubeconfig holds their token and namespace only; the hand-out forwards each port."""

from __future__ import annotations

import pytest

from provisioner.backends.kubernetes.access import port_forward_lines, student_kubeconfig
from provisioner.backends.kubernetes.manifests import present
from provisioner.core.errors import UsageError
from provisioner.definitions.model import Lab
from tests.unit.backends.kubernetes.mod008 import IMAGES

ADMIN = {
    "current-context": "kind-lab",
    "contexts": [
        {"name": "kind-lab", "context": {"cluster": "kind-lab", "user": "kind-lab"}},
        {"name": "other", "context": {"cluster": "other", "user": "other"}},
    ],
    "clusters": [
        {"name": "kind-lab", "cluster": {"server": "https://127.0.0.1:40123", "certificate-authority-data": "Q0E="}},
        {"name": "other", "cluster": {"server": "https://10.0.0.1:6443", "certificate-authority": "/etc/ca.crt"}},
    ],
    "users": [{"name": "kind-lab", "user": {"client-key-data": "QURNSU4tS0VZ"}}],
}


def test_the_kubeconfig_has_the_cluster_the_token_and_the_namespace_only() -> None:
    config = student_kubeconfig(ADMIN, "tok3n", "lab-mod-008-ada")
    assert config["clusters"] == [
        {
            "name": "lab-mod-008-ada",
            "cluster": {"server": "https://127.0.0.1:40123", "certificate-authority-data": "Q0E="},
        }
    ]
    assert config["users"] == [{"name": "student", "user": {"token": "tok3n"}}]
    context = {"cluster": "lab-mod-008-ada", "user": "student", "namespace": "lab-mod-008-ada"}
    assert config["contexts"] == [{"name": "lab-mod-008-ada", "context": context}]
    assert config["current-context"] == "lab-mod-008-ada"
    assert "QURNSU4tS0VZ" not in str(config)


@pytest.mark.parametrize(("context", "why"), [("other", "an inline CA"), ("gone", "no context 'gone'")])
def test_a_kubeconfig_the_student_could_not_use_is_refused(context: str, why: str) -> None:
    with pytest.raises(UsageError, match=why) as caught:
        student_kubeconfig(ADMIN, "tok3n", "lab-mod-008-ada", context=context)
    assert caught.value.fix and "--flatten" in caught.value.fix


def test_one_port_forward_line_per_published_port_on_loopback(lab: Lab) -> None:
    lines = port_forward_lines(present(lab, IMAGES), "lab-mod-008-ada", "ada.yaml", {"postgres": 15432})
    common = "kubectl --kubeconfig ada.yaml --namespace lab-mod-008-ada port-forward --address 127.0.0.1"
    assert lines == [f"{common} service/postgres 15432:5432", f"{common} service/redis 6379:6379"]
