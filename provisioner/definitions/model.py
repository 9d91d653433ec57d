"""The lab definition: strict (unknown keys rejected), typed, and the source of the JSON Schema."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from provisioner.definitions.fields import Argv, Name, Strict
from provisioner.definitions.sandbox import Sandbox


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


class ConfigMapKey(Strict):
    """One key of a Kubernetes ConfigMap, read with kubectl on this machine (the lab's cluster)."""

    namespace: Name
    name: Name
    key: str = Field(pattern=r"^[-._a-zA-Z0-9]+$")


class DashboardCheck(Strict):
    """A Grafana dashboard JSON model: well formed, and every panel's query returns series."""

    path: str | None = Field(None, description="the model's file, in `host` or on this machine")
    configmap: ConfigMapKey | None = Field(None, description="or the ConfigMap key that holds it")
    host: Name | None = None
    endpoint: Name = Field("prometheus", description="the port of the Prometheus that runs every panel's query")
    panels: list[str] = Field([], description="each names a panel: found in its title, case ignored")
    min_panels: int = Field(1, ge=1, description="at least this many panels with queries")

    @model_validator(mode="after")
    def _one_source(self) -> DashboardCheck:
        if (self.path is None) == (self.configmap is None):
            raise ValueError("needs exactly one of: path, configmap")
        return self


class GrafanaCheck(Strict):
    """A dashboard model of the sandbox, imported into the lab's Grafana through its HTTP API and read
    back: what a team's deploy step does. Needs the Grafana component (optional where no image)."""

    path: str = Field(description="the model's file in `host`")
    host: Name
    endpoint: Name = Field("grafana", description="the port of the Grafana to import into")
    password: str = Field(description="Grafana's admin password, e.g. '{{ secrets.grafana_admin_password }}'")


CHECK_KINDS = ("command", "http", "tcp", "file", "sql", "promql", "service", "k8s", "dashboard", "grafana")


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
    dashboard: DashboardCheck | None = None
    grafana: GrafanaCheck | None = None

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


class Provision(Strict):
    vars: dict[str, str | int | float | bool | list[str]] = Field(
        default={}, description="Ansible's `lab_vars`; the vm backend reads vm_image_variant"
    )
    image_playbook: str | None = Field(
        default=None,
        description="vm labs: a playbook in ansible/labs/<id>/ applied to the VM image at `lab images build` "
        "time (in a chroot, shared by every instance); site.yml there still configures each instance",
    )


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
    teaches: list[str] = Field(
        [],
        description="what of the curriculum this teaches, in its own words: a topic of the lab's module "
        "or a deliverable of its project (docs/curriculum.md is generated from these)",
    )
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
    provision: Provision = Field(default=Provision(), description="optional: variables for Ansible")
    checks: list[Check] = Field([], description="readiness: `up` ends when these pass")
    exercises: list[Exercise] = Field([])
    access: str = Field(description="Jinja template printed after `up`")
    curriculum_gaps: dict[str, str] = Field(
        {},
        description="a curriculum topic or deliverable no exercise teaches as named: what the lab "
        "does instead, or why it cannot here (shown in docs/curriculum.md)",
    )
    unavailable: str | None = Field(
        None, description="why this lab cannot run in this version of lab: `up` refuses with it, smoke skips it"
    )
