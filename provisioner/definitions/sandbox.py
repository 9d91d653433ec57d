"""The sandbox part of a definition: one component model per backend, chosen by `backend`.

Every component model has the same attributes, so code reading a lab needs no isinstance; a key
that means nothing on a backend is declared `NotOn[...]`: hidden from the JSON Schema and
rejected when a definition sets it (e.g. `image:` on a VM component), defaulting to empty."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BeforeValidator, Field
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from provisioner.definitions.fields import Name, SecretName, Strict

T = TypeVar("T")
NOT_ON_BACKEND = "not_on_backend"  # the error type validate.py turns into "not a key of ... components"


def _reject(value: Any) -> Any:
    """Defaults are not validated, so this runs only when a definition sets the key."""
    raise PydanticCustomError(NOT_ON_BACKEND, "not a key of components on this backend")


NotOn = Annotated[T, SkipJsonSchema(), BeforeValidator(_reject), Field(exclude=True)]


class Port(Strict):
    name: Name = Field(description="endpoint name shown to the learner")
    port: int = Field(ge=1, le=65535, description="port inside the component")
    scheme: Literal["tcp", "http", "https", "ssh", "postgresql", "redis", "git"] = "tcp"


class ClusterImage(Strict):
    """A lab image loaded into a cluster's nodes under the name its manifests use."""

    image: Name = Field(description="folder under images/ built by `lab images build`")
    tag: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$",
        description="name:tag the manifests use (never latest), e.g. lab/model-api:1.0",
    )
    env: dict[str, str] = Field({}, description="environment baked into this tag, e.g. APP_VERSION")


class Component(Strict):
    """What every backend's components have; the per-backend models below add or refuse keys."""

    name: Name
    type: str | None = Field(None, max_length=40, description="what it is, shown by `lab show`; no effect")
    ports: list[Port] = Field([])
    memory_mb: int = Field(256, gt=0)
    cpus: float = Field(
        0.1,
        gt=0,
        description="typical CPU use in cores, for cohort capacity estimates "
        "(idle services measure about 0.01; raise it for busy ones)",
    )
    optional: bool = Field(False, description="may be unavailable offline (e.g. Grafana)")


class DockerComponent(Component):
    """A container from an image built from images/<image>/."""

    image: Name = Field(description="folder under images/ built by `lab images build`")
    env: dict[str, str] = Field({}, description="values are Jinja templates ({{ secrets.NAME }})")
    volumes: list[str] = Field([], description="paths inside the component kept in a volume")
    command: list[str] | None = None
    nodes: NotOn[int] = 1
    load: NotOn[list[ClusterImage]] = Field([])


class _NotAContainer(Component):
    env: NotOn[dict[str, str]] = Field({})
    volumes: NotOn[list[str]] = Field([])
    command: NotOn[list[str] | None] = None


class _NoImage(_NotAContainer):
    image: NotOn[str | None] = None
    nodes: NotOn[int] = 1
    load: NotOn[list[ClusterImage]] = Field([])


class VmComponent(_NoImage):
    """A VM from the disk image variant named by provision.vars.vm_image_variant."""


class LocalComponent(_NoImage):
    """A folder on this machine (the backend the tool tests itself with)."""

    ports: NotOn[list[Port]] = Field([])


class KindComponent(_NotAContainer):
    """A kind cluster."""

    image: Name | None = Field(None, description="kind node image: kind-node, built by `lab images build`")
    nodes: int = Field(1, ge=1, le=5, description="control plane + workers")
    load: list[ClusterImage] = Field([], description="lab images loaded into every node before configuration")


class SandboxBase(Strict):
    secrets: list[SecretName] = Field([], description="generated per instance, stored 0600 in state")


class DockerSandbox(SandboxBase):
    backend: Literal["docker"]
    components: list[DockerComponent] = Field(min_length=1)


class VmSandbox(SandboxBase):
    backend: Literal["vm"]
    components: list[VmComponent] = Field(min_length=1)


class LocalSandbox(SandboxBase):
    backend: Literal["local"]
    components: list[LocalComponent] = Field(min_length=1)


class KindSandbox(SandboxBase):
    backend: Literal["kind"]
    components: list[KindComponent] = Field(min_length=1)


AnySandbox = DockerSandbox | VmSandbox | LocalSandbox | KindSandbox
AnyComponent = DockerComponent | VmComponent | LocalComponent | KindComponent
Sandbox = Annotated[AnySandbox, Field(discriminator="backend")]
BACKENDS = ("local", "docker", "vm", "kind")

# What each backend's Terraform module puts in its `hosts` output per component: the attributes
# checks and access text may use as {{ hosts.NAME.ATTR }}.
HOST_VARS: dict[str, frozenset[str]] = {
    "docker": frozenset({"container"}),
    "vm": frozenset({"domain", "ssh_host", "ssh_port", "ssh_user", "ssh_key_file"}),
    "local": frozenset({"component_dir", "labels"}),
    "kind": frozenset({"cluster", "kubeconfig", "kubectl"}),
}


def components(sandbox: AnySandbox) -> Sequence[AnyComponent]:
    """The components, typed so that any key of any backend reads (empty where it means nothing)."""
    return sandbox.components


def endpoint_names(sandbox: AnySandbox) -> list[str]:
    """Endpoints as the backend names them: one per port, or (local) one folder per component."""
    if isinstance(sandbox, LocalSandbox):
        return [c.name for c in sandbox.components]
    return [p.name for c in sandbox.components for p in c.ports]
