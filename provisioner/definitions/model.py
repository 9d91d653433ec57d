"""The lab definition: strict (unknown keys rejected), typed, and the source of the JSON Schema."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,30}$")]
SecretName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")]
Argv = Annotated[list[str], Field(min_length=1)]
BACKENDS = ("local", "docker", "vm", "kind")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CommandCheck(Strict):
    """Run argv on the host machine, or inside the sandbox host named by `host`."""

    argv: Argv
    host: Name | None = None
    exit_code: int = 0
    stdout: str | None = Field(None, description="regex the output must match")


class HttpCheck(Strict):
    url: str = Field(description="Jinja template, e.g. '{{ endpoints.api }}/health'")
    status: int = 200
    body: str | None = Field(None, description="regex the body must match")
    json_path: str | None = Field(None, description="dotted path into a JSON body, e.g. data.result.0")
    equals: str | int | float | bool | None = None


class TcpCheck(Strict):
    endpoint: Name


class FileCheck(Strict):
    path: str
    host: Name | None = None
    exists: bool = True
    mode: str | None = Field(None, pattern=r"^0[0-7]{3}$")
    content: str | None = Field(None, description="regex the content must match")


class SqlCheck(Strict):
    """A PostgreSQL query run inside the database component."""

    host: Name
    query: str
    database: str = "postgres"
    user: str = "postgres"
    min_rows: int | None = None
    equals: str | None = None


class PromqlCheck(Strict):
    query: str
    endpoint: Name = "prometheus"
    min: float | None = None
    max: float | None = None


class ServiceCheck(Strict):
    unit: str
    host: Name | None = None


class K8sCheck(Strict):
    name: str
    kind: Literal["Deployment", "StatefulSet", "DaemonSet"] = "Deployment"
    namespace: str = "default"


CHECK_KINDS = ("command", "http", "tcp", "file", "sql", "promql", "service", "k8s")


class Check(Strict):
    """One typed check: exactly one of the kinds in CHECK_KINDS, with a timeout and a retry window."""

    name: str
    timeout: float = Field(10, gt=0, description="seconds for one attempt")
    retry: float = Field(0, ge=0, description="seconds to keep retrying a failing check")
    command: CommandCheck | None = None
    http: HttpCheck | None = None
    tcp: TcpCheck | None = None
    file: FileCheck | None = None
    sql: SqlCheck | None = None
    promql: PromqlCheck | None = None
    service: ServiceCheck | None = None
    k8s: K8sCheck | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Check:
        if len(self.kinds()) != 1:
            raise ValueError(f"needs exactly one of: {', '.join(CHECK_KINDS)}")
        return self

    def kinds(self) -> list[str]:
        return [k for k in CHECK_KINDS if getattr(self, k) is not None]

    @property
    def kind(self) -> str:
        return self.kinds()[0]

    @property
    def spec(self) -> Strict:
        return getattr(self, self.kind)  # type: ignore[no-any-return]


class Port(Strict):
    name: Name = Field(description="endpoint name shown to the learner")
    port: int = Field(ge=1, le=65535, description="port inside the component")
    scheme: Literal["tcp", "http", "https", "ssh", "postgresql", "redis", "git"] = "tcp"


ComponentType = Literal[
    "container-host",
    "python-workstation",
    "git-server",
    "postgresql",
    "redis",
    "http-service",
    "prometheus",
    "alertmanager",
    "node-exporter",
    "blackbox-exporter",
    "pushgateway",
    "grafana",
    "log-store",
    "mlflow",
    "orchestrator",
    "aws-endpoint",
    "vm",
    "kind-cluster",
    "directory",
]


class Component(Strict):
    name: Name
    type: ComponentType
    image: Name | None = Field(None, description="folder under images/ built by `lab images build`")
    ports: list[Port] = []
    env: dict[str, str] = Field({}, description="values are Jinja templates ({{ secrets.NAME }})")
    volumes: list[str] = Field([], description="paths inside the component kept in a volume")
    command: list[str] | None = None
    memory_mb: int = Field(256, gt=0)
    cpus: float = Field(
        0.1,
        gt=0,
        description="typical CPU use in cores, for cohort capacity estimates "
        "(idle services measure about 0.01; raise it for busy ones)",
    )
    nodes: int = Field(1, ge=1, description="kind clusters: control plane + workers")
    optional: bool = Field(False, description="may be unavailable offline (e.g. Grafana)")


class Sandbox(Strict):
    backend: Literal["local", "docker", "vm", "kind"]
    components: list[Component] = Field(min_length=1)
    secrets: list[SecretName] = Field([], description="generated per instance, stored 0600 in state")


class Provision(Strict):
    terraform: str = Field(description="module folder under terraform/")
    playbooks: list[str] = Field([], description="paths under ansible/")
    vars: dict[str, str | int | float | bool | list[str]] = {}


class Solution(Strict):
    playbook: str | None = Field(None, description="path relative to the lab folder")
    script: Argv | None = Field(None, description="argv run inside `host`, files from the lab folder")
    host: Name | None = None

    @model_validator(mode="after")
    def _one(self) -> Solution:
        if (self.playbook is None) == (self.script is None):
            raise ValueError("needs exactly one of: playbook, script")
        return self


class Exercise(Strict):
    id: Name
    title: str
    instructions: str
    hint: str
    checks: list[Check] = Field(min_length=1)
    solution: Solution


class Lab(Strict):
    """One curriculum item's sandbox, checks and exercises (labs/<id>/lab.yaml)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")
    title: str
    kind: Literal["module", "project", "test"]
    hours: float = Field(gt=0)
    description: str
    offline: str = Field(description="what runs offline and what needs the internet")
    sandbox: Sandbox
    provision: Provision
    checks: list[Check] = Field([], description="readiness: `up` ends when these pass")
    exercises: list[Exercise] = []
    access: str = Field(description="Jinja template printed after `up`")
