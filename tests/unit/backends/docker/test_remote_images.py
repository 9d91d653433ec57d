"""Lab images from a registry: pulled before a build, the one-line outcome of each failure, and
the push. `docker` itself is substituted (FakeRun); tests/e2e/test_image_registry.py runs it."""

from __future__ import annotations

from typing import Any

import pytest

from provisioner.backends.common import images, remote
from provisioner.backends.common.engine import ENGINE_VERSION
from provisioner.core.errors import EXIT_INFRA, InfraError, UsageError
from provisioner.core.proc import Result
from provisioner.core.report import Silent
from provisioner.lifecycle.image_list import listing
from provisioner.lifecycle.images import pull_for_labs, sources
from tests.unit.backends.fake_run import FakeRun

INSPECT = ("docker", "image", "inspect", "--format", "{{.Id}}")
REGISTRY = "127.0.0.1:5443/school"
PULL = ("docker", "pull", "-q")


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv(remote.ENV, REGISTRY + "/")
    monkeypatch.setattr(remote, "_missed", set())
    monkeypatch.setattr(remote, "pulled", set())
    return []


def missing_locally(run: FakeRun, name: str) -> str:
    run.answers[(*INSPECT, images.BASE)] = "sha256:base\n"
    tag = images.tag_for(name, run)
    run.answers[(*INSPECT, tag)] = (1, "")
    return tag


def test_without_a_registry_nothing_is_pulled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(remote.ENV, raising=False)
    run = FakeRun()
    assert not remote.pull("lab/redis:abc", print, run) and run.calls == []


def test_a_tag_the_registry_has_is_pulled_named_and_not_built(said: list[str]) -> None:
    run = FakeRun()
    tag = missing_locally(run, "redis")
    assert images.ensure("redis", said.append, run) == tag
    ref = f"{REGISTRY}/{tag}"
    assert [*PULL, ref] in run.calls and ["docker", "tag", ref, tag] in run.calls
    assert not any(argv[:2] == ["docker", "build"] for argv in run.calls)
    assert f"pulled {tag} from {REGISTRY}" in said


@pytest.mark.parametrize(
    ("daemon_says", "line"),
    [
        ("Error response from daemon: manifest for x not found: manifest unknown", "has no"),
        (
            'Error response from daemon: Get "https://127.0.0.1:5443/v2/": connect: connection refused',
            "cannot be reached for",
        ),
    ],
)
def test_a_missing_tag_or_an_unreachable_registry_is_one_line_then_a_build(
    said: list[str], daemon_says: str, line: str
) -> None:
    run = FakeRun()
    tag = missing_locally(run, "redis")
    run.answers[PULL] = (1, daemon_says)
    images.ensure("redis", said.append, run)
    assert run.calls[-1][:2] == ["docker", "build"]
    assert f"the registry {REGISTRY} {line} {tag} ({daemon_says}): building it here" in said


def test_refused_credentials_stop_with_exit_3_and_the_fix(said: list[str]) -> None:
    run = FakeRun({PULL: (1, "Error response from daemon: Head ...: no basic auth credentials")})
    with pytest.raises(InfraError) as caught:
        remote.pull("lab/redis:abc", said.append, run)
    assert caught.value.exit_code == EXIT_INFRA and caught.value.fix == f"run `docker login {REGISTRY}`"
    assert "refused the credentials: Error response from daemon" in caught.value.message


def test_the_base_comes_from_the_registry_by_the_hash_of_its_definition(said: list[str]) -> None:
    run = FakeRun({(*INSPECT, images.BASE): (1, "")})
    images.ensure_base(said.append, run)
    ref = f"{REGISTRY}/{images.base_remote_tag()}"
    assert [*PULL, ref] in run.calls and ["docker", "tag", ref, images.BASE] in run.calls
    assert images.base_remote_tag().startswith("lab/debian:") and not any("build" in a[1] for a in run.calls)


def test_a_push_tags_pushes_and_drops_the_registry_name() -> None:
    run = FakeRun()
    assert remote.push("lab/redis:abc", REGISTRY, print, run) == f"{REGISTRY}/lab/redis:abc"
    ref = f"{REGISTRY}/lab/redis:abc"
    assert run.calls == [["docker", "tag", "lab/redis:abc", ref], ["docker", "push", "-q", ref], ["docker", "rmi", ref]]


def test_prefetch_pulls_every_missing_image_once_and_a_miss_is_not_retried(said: list[str]) -> None:
    run = FakeRun()
    redis, postgres = missing_locally(run, "redis"), missing_locally(run, "postgres")
    run.answers[(*PULL, f"{REGISTRY}/{postgres}")] = (1, "manifest unknown")
    images.prefetch(["redis", "postgres", "redis", "no-such-image"], said.append, run)
    pulls = sorted(argv[-1] for argv in run.calls if argv[:2] == ["docker", "pull"])
    assert pulls == sorted([f"{REGISTRY}/{redis}", f"{REGISTRY}/{postgres}"])
    images.ensure("postgres", said.append, run)  # built, without asking the registry again
    assert sum(argv[:2] == ["docker", "pull"] for argv in run.calls) == 2
    assert run.calls[-1][:2] == ["docker", "build"]


class Said(Silent):
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def info(self, text: str) -> None:
        self.lines.append(text)


class Engine(FakeRun):
    """An engine whose images appear when pulled: the registry has all but `lacks`."""

    def __init__(self, lacks: set[str]) -> None:
        super().__init__({(*INSPECT, images.BASE): "sha256:base\n", tuple(ENGINE_VERSION): "20.10.24\n"})
        self.lacks = lacks

    def __call__(self, argv: Any, **options: Any) -> Result:
        argv = [str(a) for a in argv]
        if argv[:2] == ["docker", "pull"]:
            tag = argv[-1].removeprefix(f"{REGISTRY}/")
            if tag in self.lacks:
                self.answers[tuple(argv)] = (1, "manifest unknown")
            else:
                self.answers[(*INSPECT, tag)] = "sha256:pulled\n"
        elif argv[:3] == [*INSPECT[:3]] and tuple(argv) not in self.answers:
            self.answers[tuple(argv)] = (1, "")  # not here until pulled
        return super().__call__(argv, **options)


def test_images_pull_fetches_each_image_and_says_what_up_will_build(said: list[str]) -> None:
    redis = images.tag_for("redis", FakeRun({(*INSPECT, images.BASE): "sha256:base\n"}))
    engine = Engine(lacks={redis})
    pulled = pull_for_labs(["mod-008"], Said(said), engine)
    assert pulled["redis"] == "not pulled: `up` builds it here"
    assert {name for name, tag in pulled.items() if tag.startswith("lab/")} == set(pulled) - {"redis"}
    assert not any(argv[:2] == ["docker", "build"] for argv in engine.calls)


def test_images_pull_without_a_registry_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(remote.ENV, raising=False)
    with pytest.raises(UsageError, match="LAB_IMAGE_REGISTRY is not set"):
        pull_for_labs(["mod-008"], Silent(), FakeRun())


def test_a_cohort_is_told_where_each_image_came_from(said: list[str]) -> None:
    redis = images.tag_for("redis", FakeRun({(*INSPECT, images.BASE): "sha256:base\n"}))
    engine = Engine(lacks={redis})
    workstation = images.tag_for("db-workstation", engine)
    engine.answers[(*INSPECT, workstation)] = "sha256:here\n"
    assert sources("mod-008", Said(said), engine) == {
        "postgres-mlops": f"pulled from {REGISTRY}",
        "redis": "built here",
        "db-workstation": "here already",
    }


def test_images_list_says_here_and_in_the_registry(said: list[str]) -> None:
    engine = Engine(lacks=set())
    redis = images.tag_for("redis", engine)
    engine.answers[(*INSPECT, redis)] = "sha256:here\n"
    engine.answers[("docker", "images", "--filter", "reference=lab/db-workstation")] = "0123abcd\n"
    engine.answers[("docker", "manifest", "inspect", f"{REGISTRY}/{redis}")] = (1, "no such manifest: x")
    rows = {r["image"]: r for r in listing(["mod-008"], engine)}
    assert (rows["redis"]["local"], rows["redis"]["remote"]) == ("present", "missing")
    assert (rows["db-workstation"]["local"], rows["db-workstation"]["remote"]) == (
        "stale (older builds only)",
        "present",
    )
    assert rows["postgres-mlops"]["local"] == "missing"


def test_a_node_image_the_registry_has_is_pulled_not_built_for_twenty_minutes(said: list[str]) -> None:
    from provisioner.backends.kind import images as kind_images

    run = FakeRun()
    tag = missing_locally(run, kind_images.NODE)
    assert kind_images.ensure_node(said.append, run) == tag
    assert [*PULL, f"{REGISTRY}/{tag}"] in run.calls
    assert not any(argv[:1] == ["bash"] for argv in run.calls)  # images/kind-node/build never ran
