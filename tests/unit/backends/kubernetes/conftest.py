"""The mod-008 lab, one student's identity and the objects made for them."""

from __future__ import annotations

from typing import Any

import pytest

from provisioner.backends.kubernetes.manifests import manifests
from provisioner.backends.kubernetes.names import Identity
from provisioner.core.state import InstanceRef
from provisioner.definitions import catalog
from provisioner.definitions.model import Lab
from tests.unit.backends.kubernetes import fake_api
from tests.unit.backends.kubernetes.fake_api import FakeServer
from tests.unit.backends.kubernetes.mod008 import IMAGES, SECRETS


@pytest.fixture(scope="session")
def lab() -> Lab:
    return catalog.load("mod-008")


@pytest.fixture(scope="session")
def identity() -> Identity:
    return Identity(InstanceRef("mod-008", "ada"), "ada", "0123456789ab")


@pytest.fixture(scope="session")
def objects(lab: Lab, identity: Identity) -> list[dict[str, Any]]:
    return manifests(lab, identity, IMAGES, SECRETS)


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def client(server: FakeServer) -> Any:
    return fake_api.client(server)
