"""One student's namespace is bounded and reaches nothing of another's."""

from __future__ import annotations

from typing import Any

from tests.unit.backends.kubernetes.mod008 import find

Objects = list[dict[str, Any]]


def test_the_quota_holds_the_lab_exactly(objects: Objects) -> None:
    # postgres 512 + redis 128 + workstation 256; postgres's two claims and the workstation's one
    assert find(objects, "ResourceQuota")["spec"]["hard"] == {
        "pods": "3",
        "requests.memory": "896Mi",
        "limits.memory": "896Mi",
        "persistentvolumeclaims": "3",
    }


def test_a_container_without_limits_gets_the_default_component_memory(objects: Objects) -> None:
    limits = find(objects, "LimitRange")["spec"]["limits"]
    memory = {"memory": "256Mi"}
    assert limits == [{"type": "Container", "default": memory, "defaultRequest": memory}]


def test_the_network_policy_denies_all_but_the_namespace_and_dns(objects: Objects) -> None:
    spec = find(objects, "NetworkPolicy")["spec"]
    assert spec["podSelector"] == {} and spec["policyTypes"] == ["Ingress", "Egress"]
    assert spec["ingress"] == [{"from": [{"podSelector": {}}]}]
    same, dns = spec["egress"]
    assert same == {"to": [{"podSelector": {}}]}
    assert dns["to"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}]
    assert {(p["protocol"], p["port"]) for p in dns["ports"]} == {("UDP", 53), ("TCP", 53)}


def test_the_student_role_is_confined_to_the_namespace(objects: Objects) -> None:
    assert not [o for o in objects if o["kind"].startswith("Cluster")]
    role, binding = find(objects, "Role", "student"), find(objects, "RoleBinding", "student")
    assert find(objects, "ServiceAccount", "student")["metadata"]["namespace"] == "lab-mod-008-ada"
    assert role["metadata"]["namespace"] == binding["metadata"]["namespace"] == "lab-mod-008-ada"
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "student"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "student", "namespace": "lab-mod-008-ada"}]


def test_the_student_reads_and_execs_but_changes_nothing(objects: Objects) -> None:
    rules = find(objects, "Role")["rules"]
    granted = {(r, v) for rule in rules for r in rule["resources"] for v in rule["verbs"]}
    assert {("pods/exec", "create"), ("pods/portforward", "create"), ("secrets", "get"), ("pods/log", "get")} <= granted
    assert ("statefulsets", "list") in granted and ("deployments", "watch") in granted
    assert not {v for _, v in granted} & {"update", "patch", "delete", "deletecollection", "escalate", "bind"}
    assert not [rule for rule in rules if "*" in rule["resources"] + rule["verbs"] + rule["apiGroups"]]


def test_the_bounds_are_in_place_before_any_pod_is_asked_for(objects: Objects) -> None:
    kinds = [o["kind"] for o in objects]
    first_workload = min(kinds.index("StatefulSet"), kinds.index("Deployment"))
    assert max(kinds.index(k) for k in ("ResourceQuota", "LimitRange", "NetworkPolicy")) < first_workload
