"""mod-008's components as workloads in one namespace, with no secret outside the Secret."""

from __future__ import annotations

import json
from typing import Any

import pytest

from provisioner.backends.kubernetes.manifests import manifests
from provisioner.backends.kubernetes.names import Identity
from provisioner.core.errors import UsageError
from provisioner.definitions import catalog
from provisioner.definitions.model import Lab
from tests.unit.backends.kubernetes.mod008 import IMAGES, SECRETS, find

Objects = list[dict[str, Any]]


def test_every_object_is_in_the_namespace_with_the_instance_labels(objects: Objects) -> None:
    namespace = find(objects, "Namespace")
    assert namespace["metadata"]["name"] == "lab-mod-008-ada"
    for o in objects[1:]:
        assert o["metadata"]["namespace"] == "lab-mod-008-ada", o["kind"]
        assert o["metadata"]["labels"] == namespace["metadata"]["labels"], o["kind"]
    assert namespace["metadata"]["labels"]["lab.org/student"] == "ada"


def test_the_namespace_and_the_secret_come_before_the_pods_that_need_them(objects: Objects) -> None:
    kinds = [o["kind"] for o in objects]
    assert kinds[0] == "Namespace"
    assert kinds.index("Secret") < kinds.index("StatefulSet") and kinds.index("Secret") < kinds.index("Deployment")


def test_no_secret_value_appears_outside_the_secret(objects: Objects) -> None:
    others = json.dumps([o for o in objects if o["kind"] != "Secret"])
    assert not [name for name, value in SECRETS.items() if value in others]
    secret = json.dumps(find(objects, "Secret"))
    assert all(value in secret for value in SECRETS.values())


def test_env_from_secrets_is_a_reference_and_plain_env_stays_literal(objects: Objects) -> None:
    workstation = find(objects, "StatefulSet", "workstation")["spec"]["template"]["spec"]["containers"][0]
    ref = {"secretKeyRef": {"name": "lab-env", "key": "workstation.DATABASE_URL"}}
    assert workstation["env"] == [{"name": "DATABASE_URL", "valueFrom": ref}]
    url = find(objects, "Secret")["stringData"]["workstation.DATABASE_URL"]
    assert url == f"postgresql+psycopg://mlops_app:{SECRETS['app_password']}@postgres:5432/mlops"


def test_plain_env_values_are_rendered_in_place(lab: Lab, identity: Identity) -> None:
    env = {"GREETING": "lab {{ lab_id }} for {{ instance }}"}
    redis = lab.sandbox.components[1].model_copy(update={"env": env})
    changed = lab.model_copy(update={"sandbox": lab.sandbox.model_copy(update={"components": [redis]})})
    made = find(manifests(changed, identity, IMAGES, SECRETS), "Deployment", "redis")
    assert made["spec"]["template"]["spec"]["containers"][0]["env"] == [
        {"name": "GREETING", "value": "lab mod-008 for ada"}
    ]


def test_postgres_keeps_its_two_volumes_in_claims_of_a_statefulset(objects: Objects) -> None:
    postgres = find(objects, "StatefulSet", "postgres")["spec"]
    claims = [c["metadata"]["name"] for c in postgres["volumeClaimTemplates"]]
    assert claims == ["data-var-lib-postgresql-data", "data-backups"]
    mounts = postgres["template"]["spec"]["containers"][0]["volumeMounts"]
    assert mounts == [
        {"name": "data-var-lib-postgresql-data", "mountPath": "/var/lib/postgresql/data"},
        {"name": "data-backups", "mountPath": "/backups"},
    ]
    assert postgres["serviceName"] == "postgres"
    assert {c["spec"]["accessModes"][0] for c in postgres["volumeClaimTemplates"]} == {"ReadWriteOnce"}


def test_claims_are_filled_from_the_image_with_its_owner_as_docker_fills_a_named_volume(objects: Objects) -> None:
    pod = find(objects, "StatefulSet", "postgres")["spec"]["template"]["spec"]
    [fill] = pod["initContainers"]
    assert fill["image"] == pod["containers"][0]["image"] and fill["securityContext"]["runAsUser"] == 0
    assert fill["command"][-4:] == [
        "/var/lib/postgresql/data",
        "/lab-volume/data-var-lib-postgresql-data",
        "/backups",
        "/lab-volume/data-backups",
    ]
    assert "chown --reference" in fill["command"][2]
    assert fill["resources"] == pod["containers"][0]["resources"]  # the pod asks the quota for no more
    assert "initContainers" not in find(objects, "Deployment", "redis")["spec"]["template"]["spec"]


def test_a_component_without_volumes_is_a_deployment_recreated_not_rolled(objects: Objects) -> None:
    redis = find(objects, "Deployment", "redis")["spec"]
    assert redis["strategy"] == {"type": "Recreate"} and redis["replicas"] == 1
    assert redis["selector"]["matchLabels"] == {"lab.org/component": "redis"}
    assert redis["template"]["metadata"]["labels"]["lab.org/component"] == "redis"


def test_a_container_has_its_image_memory_and_no_service_links(objects: Objects) -> None:
    pod = find(objects, "StatefulSet", "postgres")["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "lab/postgres:0123abcd"
    # Memory only: no CPU request, as Docker reserves none (a class's requests would fill a node).
    assert container["resources"] == {"requests": {"memory": "512Mi"}, "limits": {"memory": "512Mi"}}
    assert container["ports"] == [{"containerPort": 5432, "protocol": "TCP"}]
    assert pod["enableServiceLinks"] is False and pod["automountServiceAccountToken"] is False


def test_a_cluster_ip_service_per_component_with_ports(objects: Objects) -> None:
    services = [o for o in objects if o["kind"] == "Service"]
    assert [s["metadata"]["name"] for s in services] == ["postgres", "redis"]
    postgres = services[0]["spec"]
    assert postgres["type"] == "ClusterIP" and postgres["selector"] == {"lab.org/component": "postgres"}
    assert postgres["ports"] == [{"name": "postgres", "port": 5432, "targetPort": 5432, "protocol": "TCP"}]


def test_a_component_without_an_image_is_left_out(lab: Lab, identity: Identity) -> None:
    images = {k: v for k, v in IMAGES.items() if k != "redis"}
    names = {o["metadata"]["name"] for o in manifests(lab, identity, images, SECRETS)}
    assert "redis" not in names and "postgres" in names


@pytest.mark.parametrize(("lab_id", "why"), [("mod-006", "kind lab"), ("mod-009", "shared between components")])
def test_labs_the_target_cannot_hold_are_refused(lab_id: str, why: str, identity: Identity) -> None:
    with pytest.raises(UsageError, match=why):
        manifests(catalog.load(lab_id), identity, IMAGES, SECRETS)
