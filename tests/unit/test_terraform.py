from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from provisioner.backends.common.terraform import Terraform, cli_config, find_binary, mirror_url
from provisioner.core.errors import CommandError, InfraError, UsageError
from provisioner.core.proc import Result


class FakeRun:
    """Stands in for the subprocess chokepoint and records every argv."""

    def __init__(self, lines: list[str] | None = None, stdout: str = "", fail: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.envs: list[dict[str, str]] = []
        self.lines, self.stdout, self.fail = lines or [], stdout, fail
        self.held: int | None = None  # the descriptor the last call handed to the child

    def __call__(self, argv: list[str], **kw: Any) -> Result:
        self.calls.append(argv)
        self.envs.append(kw.get("env") or {})
        self.held = kw.get("holding")
        for line in self.lines if "on_line" in kw else []:  # `terraform output` streams nothing
            kw["on_line"](line)
        if self.fail:
            raise CommandError(argv, 1, "Error: boom")
        return Result(argv, 0, self.stdout, "")


def tf(tmp_path: Path, fake: FakeRun) -> Terraform:
    (tmp_path / "wd").mkdir(exist_ok=True)  # rendered before Terraform runs in it
    return Terraform(tmp_path / "wd", binary="/bin/terraform", run=fake)


def test_argv_for_each_command(tmp_path: Path, lab_home: Path) -> None:
    fake = FakeRun(stdout=json.dumps({"endpoints": {"value": {"a": "127.0.0.1:1"}, "type": "map"}}))
    t = tf(tmp_path, fake)
    t.init()
    t.apply(60)
    t.destroy(60)
    assert t.output() == {"endpoints": {"a": "127.0.0.1:1"}}
    wd = f"-chdir={tmp_path / 'wd'}"
    assert fake.calls == [
        ["/bin/terraform", wd, "init", "-input=false", "-no-color", "-lock-timeout=120s"],
        ["/bin/terraform", wd, "apply", "-input=false", "-auto-approve", "-json", "-lock-timeout=120s"],
        ["/bin/terraform", wd, "destroy", "-input=false", "-auto-approve", "-json", "-lock-timeout=120s"],
        ["/bin/terraform", wd, "output", "-json"],
    ]
    env = fake.envs[0]
    assert env["TF_IN_AUTOMATION"] == "1" and env["CHECKPOINT_DISABLE"] == "1"
    assert env["TF_CLI_CONFIG_FILE"] == str(lab_home / "terraform.rc")
    assert fake.held is None  # `output` changes nothing: it takes no lock


def test_terraform_inherits_the_working_directorys_lock(tmp_path: Path, lab_home: Path) -> None:
    fake = FakeRun()
    tf(tmp_path, fake).apply(60)
    assert isinstance(fake.held, int) and (tmp_path / "wd" / ".lab-terraform.lock").exists()


def test_events_stream_and_error_diagnostic_explains_failure(tmp_path: Path, lab_home: Path) -> None:
    diag = {
        "@level": "error",
        "type": "diagnostic",
        "diagnostic": {"summary": "Unable to find image", "detail": "no such image lab/x", "address": "docker.x"},
    }
    events: list[dict[str, Any]] = []
    fake = FakeRun(
        lines=['{"type": "apply_start", "@message": "x: Creating..."}', json.dumps(diag), "plain"], fail=True
    )
    t = Terraform(tmp_path, binary="tf", run=fake, on_event=events.append)
    with pytest.raises(InfraError, match=r"terraform: Unable to find image \(docker.x\): no such image lab/x"):
        t.apply(60)
    assert [e["type"] for e in events] == ["apply_start", "diagnostic", "log"]


def test_cli_config_uses_the_mirror_only_when_present(tmp_path: Path) -> None:
    assert "direct {}" in cli_config(tmp_path / "absent", tmp_path / "cache")
    text = cli_config(tmp_path, tmp_path / "cache")
    assert f'plugin_cache_dir = "{tmp_path / "cache"}"' in text
    assert f'path    = "{tmp_path}"' in text and 'exclude = ["registry.terraform.io/*/*"]' in text


def test_a_network_mirror_named_wins_and_must_be_https(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAB_PROVIDER_MIRROR_URL", "https://class.example:8443/providers")
    assert mirror_url() == "https://class.example:8443/providers/"
    text = cli_config(tmp_path, tmp_path / "cache", mirror_url())
    assert 'network_mirror {\n    url     = "https://class.example:8443/providers/"' in text
    assert "filesystem_mirror" not in text and 'exclude = ["registry.terraform.io/*/*"]' in text
    monkeypatch.setenv("LAB_PROVIDER_MIRROR_URL", "http://class.example/providers")
    with pytest.raises(UsageError, match="is not an https:// URL"):
        mirror_url()


def test_missing_binary_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("LAB_TERRAFORM", raising=False)
    with pytest.raises(InfraError) as info:
        find_binary()
    assert "terraform (or tofu) not found" in info.value.message and "LAB_TERRAFORM" in (info.value.fix or "")


class FakeInit:
    """Terraform whose init makes what a real one does: providers, then the lock file."""

    binary = "/bin/true"

    def __init__(self, workdir: Path) -> None:
        self.workdir, self.calls = workdir, 0

    def config_text(self) -> str:
        return "plugin_cache_dir = ..."

    def init(self) -> None:
        self.calls += 1
        assert not (self.workdir / ".terraform").exists(), "a partial .terraform must be gone before init"
        provider = self.workdir / ".terraform" / "providers" / "registry.terraform.io" / "x" / "provider"
        provider.parent.mkdir(parents=True)
        provider.write_text("binary")
        (self.workdir / ".terraform.lock.hcl").write_text("hashes")


def workdir(base: Path, module: str) -> Path:
    base.mkdir(parents=True)
    (base / "main.tf").write_text(module)
    return base


def test_an_init_killed_midway_is_redone_from_scratch(tmp_path: Path, lab_home: Path) -> None:
    from provisioner.backends.common import tfinit

    wd = workdir(tmp_path / "a", "module")
    (wd / ".terraform" / "providers" / "registry.terraform.io").mkdir(parents=True)  # links, no lock
    tf = FakeInit(wd)
    tfinit.ensure(wd, tf)  # type: ignore[arg-type]
    tfinit.ensure(wd, tf)  # type: ignore[arg-type]  # complete now: nothing to do
    assert tf.calls == 1


def test_a_working_directory_whose_module_changed_is_initialised_again(tmp_path: Path, lab_home: Path) -> None:
    from provisioner.backends.common import tfinit

    wd = workdir(tmp_path / "a", "module")
    (wd / ".terraform").mkdir()
    (wd / ".terraform.lock.hcl").write_text("")  # complete, by a version of lab that kept no key
    tf = FakeInit(wd)
    tfinit.ensure(wd, tf)  # type: ignore[arg-type]
    (wd / "child").mkdir()
    (wd / "child" / "main.tf").write_text("a child module added")
    tfinit.ensure(wd, tf)  # type: ignore[arg-type]
    tfinit.ensure(wd, tf)  # type: ignore[arg-type]
    assert tf.calls == 2


def test_a_second_instance_of_a_module_is_linked_not_initialised(tmp_path: Path, lab_home: Path) -> None:
    from provisioner.backends.common import tfinit

    first, second, other = FakeInit(workdir(tmp_path / "a", "m")), FakeInit(workdir(tmp_path / "b", "m")), None
    for tf in (first, second):
        tfinit.ensure(tf.workdir, tf)  # type: ignore[arg-type]
    assert (first.calls, second.calls) == (1, 0)
    provider = Path(".terraform/providers/registry.terraform.io/x/provider")
    assert (second.workdir / provider).stat().st_ino == (first.workdir / provider).stat().st_ino
    assert (second.workdir / ".terraform.lock.hcl").read_text() == "hashes"
    assert (second.workdir / ".terraform.lock.hcl").stat().st_mode & 0o077 == 0
    other = FakeInit(workdir(tmp_path / "c", "a changed module"))
    tfinit.ensure(other.workdir, other)  # type: ignore[arg-type]
    assert other.calls == 1, "another module's init is not borrowed"


def test_reset_replaces_the_state_resources_of_the_given_types(tmp_path: Path, lab_home: Path) -> None:
    fake = FakeRun()
    t = tf(tmp_path, fake)
    resource = {"mode": "managed", "type": "docker_container", "name": "component"}
    state = {
        "resources": [
            resource | {"instances": [{"index_key": "api"}, {"index_key": "db"}]},
            {"mode": "managed", "type": "docker_volume", "name": "data", "module": "module.m", "instances": [{}]},
            {"mode": "managed", "type": "terraform_data", "name": "network", "instances": [{}]},
            {"mode": "data", "type": "docker_container", "name": "read", "instances": [{}]},
        ]
    }
    (t.workdir / "terraform.tfstate").write_text(json.dumps(state))
    addresses = t.addresses(frozenset({"docker_container", "docker_volume"}))
    assert addresses == [
        'docker_container.component["api"]',
        'docker_container.component["db"]',
        "module.m.docker_volume.data",
    ]
    t.apply(60, replace=addresses[:1])
    assert fake.calls[-1][-1] == '-replace=docker_container.component["api"]'
    assert Terraform(tmp_path / "absent", binary="tf", run=fake).addresses(frozenset({"docker_volume"})) == []


def test_an_apply_reports_its_outputs_so_no_terraform_output_runs(tmp_path: Path, lab_home: Path) -> None:
    planned = {"type": "outputs", "outputs": {"endpoints": {"sensitive": False, "action": "create"}}}
    applied = {"type": "outputs", "outputs": {"endpoints": {"sensitive": False, "type": "map", "value": {"a": "x"}}}}
    fake = FakeRun([json.dumps(planned), json.dumps(applied)])
    t = tf(tmp_path, fake)
    t.apply(60)
    assert t.output() == {"endpoints": {"a": "x"}}
    assert [c[2] for c in fake.calls] == ["apply"]


def test_a_sensitive_output_is_read_by_terraform_output(tmp_path: Path, lab_home: Path) -> None:
    applied = {"type": "outputs", "outputs": {"token": {"sensitive": True, "type": "string"}}}
    fake = FakeRun([json.dumps(applied)], stdout=json.dumps({"token": {"value": "s3cret", "sensitive": True}}))
    t = tf(tmp_path, fake)
    t.apply(60)
    assert t.output() == {"token": "s3cret"}
    assert [c[2] for c in fake.calls] == ["apply", "output"]


def test_gc_offers_the_kept_inits_no_instance_links_once_a_day_unused(lab_home: Path) -> None:
    import os
    import time

    from provisioner.backends.common import tfinit
    from provisioner.core.state import instances_root

    used = FakeInit(workdir(instances_root() / "mod-008" / "default" / "terraform", "module"))
    gone = FakeInit(workdir(lab_home / "elsewhere", "the module before an upgrade"))
    for tf in (used, gone):
        tfinit.ensure(tf.workdir, tf)  # type: ignore[arg-type]
    kept = sorted((lab_home / "terraform-init").iterdir())
    assert len(kept) == 2 and tfinit.unused() == [], "both were used just now"
    day_ago = time.time() - tfinit.UNUSED_AFTER_S - 1
    for folder in kept:
        os.utime(folder, (day_ago, day_ago))
    stale = tfinit.unused()
    assert [p.name for p in stale] == [(gone.workdir / ".terraform" / tfinit.MADE_FOR).read_text()]
    tfinit.remove(stale)
    assert not stale[0].exists() and len(list((lab_home / "terraform-init").iterdir())) == 1
