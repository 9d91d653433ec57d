"""Applying an instance's objects, its student's token and finding its namespaces, against a
fake API server under the real client."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from provisioner.backends.kubernetes import cluster
from provisioner.backends.kubernetes.manifests import namespace
from provisioner.backends.kubernetes.names import LABEL_HOME, Identity
from provisioner.core.errors import InfraError, UsageError
from provisioner.core.state import InstanceRef
from tests.unit.backends.kubernetes.fake_api import SERVER, TOKEN, FakeServer
from tests.unit.backends.kubernetes.mod008 import SECRETS

Objects = list[dict[str, Any]]
NS = "/api/v1/namespaces/lab-mod-008-ada"


def test_each_object_is_applied_in_order_server_side(client: Any, server: FakeServer, objects: Objects) -> None:
    cluster.apply(client, objects)
    first, *patches = server.calls
    assert (first.method, first.path) == ("GET", NS)  # whose namespace it is, before anything is made
    assert [c.path for c in patches] == [cluster.path(o) for o in objects]
    assert {(c.method, c.content_type) for c in patches} == {("PATCH", "application/apply-patch+yaml")}
    assert all(c.query == {"fieldManager": "lab", "force": "true"} for c in patches)
    assert [c.body for c in patches] == objects
    assert patches[0].path == NS
    assert "/apis/apps/v1/namespaces/lab-mod-008-ada/statefulsets/postgres" in [c.path for c in patches]
    assert "/apis/networking.k8s.io/v1/namespaces/lab-mod-008-ada/networkpolicies/same-namespace-only" in [
        c.path for c in patches
    ]


def test_a_second_apply_makes_the_same_calls(client: Any, server: FakeServer, objects: Objects) -> None:
    cluster.apply(client, objects)
    once = list(server.calls)
    cluster.apply(client, objects)
    assert server.calls[len(once) :] == once


def test_every_kind_the_manifests_make_has_a_path(objects: Objects) -> None:
    assert {o["kind"] for o in objects} <= cluster.PLURALS.keys()


def test_a_namespace_of_another_state_root_is_refused(client: Any, server: FakeServer, objects: Objects) -> None:
    other = Identity(InstanceRef("mod-008", "ada"), "ada", "fedcba987654")
    server.put(namespace(other))  # what the other state root applied
    with pytest.raises(UsageError, match="lab-mod-008-ada already exists and belongs to state root fedcba987654") as e:
        cluster.apply(client, objects)
    assert "LAB_HOME" in str(e.value.fix)
    assert [c.method for c in server.calls] == ["GET"]


def test_a_namespace_still_being_deleted_is_not_applied_to(client: Any, server: FakeServer, objects: Objects) -> None:
    server.put(objects[0] | {"status": {"phase": "Terminating"}})
    with pytest.raises(InfraError, match="lab-mod-008-ada is still being deleted"):
        cluster.apply(client, objects)
    assert [c.method for c in server.calls] == ["GET"]


def test_a_namespace_lab_did_not_make_is_refused(client: Any, server: FakeServer, objects: Objects) -> None:
    server.put({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "lab-mod-008-ada"}})
    with pytest.raises(UsageError, match="belongs to something other than lab"):
        cluster.apply(client, objects)


def test_the_secrets_and_the_token_are_never_logged(
    client: Any, server: FakeServer, objects: Objects, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the client logs every response body it reads at DEBUG
    cluster.apply(client, objects)
    assert cluster.student_token(client, "lab-mod-008-ada", 3600) == TOKEN
    call = server.calls[-1]
    assert (call.method, call.path) == ("POST", f"{NS}/serviceaccounts/student/token")
    assert call.body["spec"] == {"expirationSeconds": 3600}
    assert not [s for s in [TOKEN, *SECRETS.values()] if s in caplog.text]


def test_a_refused_request_names_the_server_and_what_was_refused(client: Any, server: FakeServer) -> None:
    server.post = lambda *_: (404, {"message": "serviceaccounts student not found"})  # type: ignore[method-assign]
    with pytest.raises(InfraError, match=f"the API server {SERVER} answered 404 to request a token") as e:
        cluster.student_token(client, "lab-mod-008-ada", 600)
    assert "serviceaccounts student not found" in str(e.value)


def test_the_namespaces_of_this_state_root_only(client: Any, server: FakeServer, objects: Objects) -> None:
    cluster.apply(client, objects)
    other = dict(objects[0], metadata={"name": "lab-mod-008-bob", "labels": objects[0]["metadata"]["labels"].copy()})
    other["metadata"]["labels"][LABEL_HOME] = "fedcba987654"
    server.put(other)
    server.put({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}})
    assert cluster.namespaces(client, "0123456789ab") == {"lab-mod-008-ada": "mod-008.ada"}
    assert server.calls[-1].query["labelSelector"] == "lab.org/tool=lab,lab.org/home=0123456789ab"
