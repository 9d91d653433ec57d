"""Connecting with an admin kubeconfig: the user's mistakes and a silent server told apart. The
client is the real one; only urllib3's pool answers, so nothing leaves the machine."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import urllib3
import yaml

from provisioner.backends.kubernetes.connection import connect
from provisioner.core.errors import InfraError, UsageError

VERSION = dict.fromkeys(["buildDate", "compiler", "gitCommit", "gitTreeState", "goVersion", "platform"], "-")
VERSION |= {"major": "1", "minor": "34", "gitVersion": "v1.34.0"}


@pytest.fixture
def kubeconfig(tmp_path: Path) -> Path:
    """Two contexts on two servers; the current one is `kind-a`."""
    clusters = [{"name": n, "cluster": {"server": f"https://{n}.test:6443"}} for n in ("a", "b")]
    contexts = [{"name": f"kind-{n}", "context": {"cluster": n, "user": "admin"}} for n in ("a", "b")]
    users = [{"name": "admin", "user": {"token": "admin-token"}}]
    doc = {"apiVersion": "v1", "kind": "Config", "clusters": clusters, "contexts": contexts, "users": users}
    path = tmp_path / "admin.yaml"
    path.write_text(yaml.safe_dump(doc | {"current-context": "kind-a"}))
    return path


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs the client asked for; the server answers its version."""
    urls: list[str] = []

    def answer(self: Any, method: str, url: str, **kw: Any) -> urllib3.HTTPResponse:
        urls.append(url)
        body = io.BytesIO(json.dumps(VERSION).encode())
        return urllib3.HTTPResponse(body, {"content-type": "application/json"}, 200, preload_content=True)

    monkeypatch.setattr(urllib3.PoolManager, "urlopen", answer)
    return urls


def test_the_named_context_is_the_one_used(kubeconfig: Path, asked: list[str]) -> None:
    client = connect(kubeconfig, "kind-b")
    assert client.configuration.host == "https://b.test:6443"
    assert asked == ["https://b.test:6443/version/"]


def test_without_a_context_the_current_one_is_used(kubeconfig: Path, asked: list[str]) -> None:
    assert connect(kubeconfig, None).configuration.host == "https://a.test:6443"


def test_a_missing_kubeconfig_is_the_users_to_fix(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"cannot read the kubeconfig .*nowhere\.yaml") as e:
        connect(tmp_path / "nowhere.yaml", None)
    assert "--kubeconfig" in str(e.value.fix)


def test_a_file_that_is_no_kubeconfig_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("just a line\n")
    with pytest.raises(UsageError, match="is not a kubeconfig"):
        connect(tmp_path / "notes.txt", None)


def test_an_unknown_context_names_the_ones_there_are(kubeconfig: Path) -> None:
    with pytest.raises(UsageError, match=r"no context 'kind-c' \(it has: kind-a, kind-b\)") as e:
        connect(kubeconfig, "kind-c")
    assert "kubectl config get-contexts" in str(e.value.fix)


def test_a_server_that_does_not_answer_is_named(kubeconfig: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(self: Any, method: str, url: str, **kw: Any) -> None:
        raise urllib3.exceptions.MaxRetryError(None, url, urllib3.exceptions.NewConnectionError(None, "refused"))  # type: ignore[arg-type]

    monkeypatch.setattr(urllib3.PoolManager, "urlopen", refused)
    with pytest.raises(InfraError, match=r"the API server https://a\.test:6443 did not answer") as e:
        connect(kubeconfig, None)
    assert "kubectl cluster-info" in str(e.value.fix)
    assert "admin-token" not in str(e.value) + str(e.value.fix)
