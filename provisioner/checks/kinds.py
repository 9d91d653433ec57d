"""One function per check kind. Templates in specs see endpoints, secrets and hosts."""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from provisioner.checks import promapi
from provisioner.checks.dashboard import dashboard
from provisioner.checks.grafana_api import grafana
from provisioner.checks.reach import run_in, short
from provisioner.checks.types import CheckEnv, Outcome
from provisioner.core.templating import render
from provisioner.definitions import model


def command(spec: model.CommandCheck, timeout: float, env: CheckEnv) -> Outcome:
    code, out = run_in(env, spec.host, list(spec.argv), timeout)
    want = f"exit {spec.exit_code}" + (f" and output matching /{spec.stdout}/" if spec.stdout else "")
    ok = code == spec.exit_code and (spec.stdout is None or re.search(spec.stdout, out, re.M) is not None)
    return Outcome(ok, want, f"exit {code}, output {short(out)}")


def http(spec: model.HttpCheck, timeout: float, env: CheckEnv) -> Outcome:
    url = render(spec.url, env.values)
    want = f"HTTP {spec.status} from {url}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - URL from a lab definition
            status, body = resp.status, resp.read(1 << 20).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read(1 << 16).decode(errors="replace")
    except (urllib.error.URLError, OSError) as exc:
        return Outcome(False, want, f"no answer ({getattr(exc, 'reason', exc)})")
    if status != spec.status:
        return Outcome(False, want, f"HTTP {status}: {short(body)}")
    if spec.body and not re.search(spec.body, body, re.M):
        return Outcome(False, f"a body matching /{spec.body}/", short(body))
    if spec.json_path is not None:
        return _json_path(body, spec.json_path, spec.equals)
    return Outcome(True, want, f"HTTP {status}")


def _json_path(body: str, path: str, equals: Any) -> Outcome:
    want = f"{path} == {equals!r}" if equals is not None else f"{path} present"
    try:
        node: Any = json.loads(body)
        for part in path.split("."):
            node = node[int(part)] if isinstance(node, list) else node[part]
    except (ValueError, KeyError, IndexError, TypeError):
        return Outcome(False, want, f"no {path} in {short(body)}")
    ok = equals is None or node == equals or str(node) == str(equals)
    return Outcome(ok, want, f"{path} = {node!r}")


def tcp(spec: model.TcpCheck, timeout: float, env: CheckEnv) -> Outcome:
    target = str(env.values["endpoints"].get(spec.endpoint, ""))
    hostport = urllib.parse.urlsplit(target if "//" in target else f"tcp://{target}")
    want = f"a TCP connection to {hostport.hostname}:{hostport.port}"
    try:
        with socket.create_connection((hostport.hostname or "127.0.0.1", hostport.port or 0), timeout=timeout):
            return Outcome(True, want, "connected")
    except OSError as exc:
        return Outcome(False, want, f"refused or unreachable ({exc.strerror or exc})")


def file(spec: model.FileCheck, timeout: float, env: CheckEnv) -> Outcome:
    path = render(spec.path, env.values)
    if spec.host:
        code, out = run_in(env, spec.host, ["stat", "-c", "%a", path], timeout)
        exists, mode = code == 0, out.strip().splitlines()[0] if code == 0 and out.strip() else ""
        content = run_in(env, spec.host, ["cat", path], timeout)[1] if exists and spec.content else ""
    else:
        p = Path(path)
        exists = p.exists()
        mode = f"{p.stat().st_mode & 0o777:o}" if exists else ""
        content = p.read_text(errors="replace") if exists and spec.content else ""
    if exists != spec.exists:
        return Outcome(
            False, f"{path} to {'exist' if spec.exists else 'be absent'}", "it does" if exists else "it does not"
        )
    if spec.mode and exists and mode.zfill(4) != spec.mode:
        return Outcome(False, f"{path} with mode {spec.mode}", f"mode {mode.zfill(4)}")
    if spec.content and not re.search(spec.content, content, re.M):
        return Outcome(False, f"{path} matching /{spec.content}/", short(content))
    return Outcome(True, f"{path} as described", "as described")


def sql(spec: model.SqlCheck, timeout: float, env: CheckEnv) -> Outcome:
    query = render(spec.query, env.values)
    argv = ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-U", spec.user, "-d", spec.database, "-c", query]
    code, out = run_in(env, spec.host, argv, timeout)
    rows = [r for r in out.strip().splitlines() if r.strip()] if code == 0 else []
    if code != 0:
        return Outcome(False, f"query {short(query, 80)} to run", f"error: {short(out)}")
    if spec.min_rows is not None and len(rows) < spec.min_rows:
        return Outcome(False, f"at least {spec.min_rows} rows", f"{len(rows)} rows")
    if spec.equals is not None and (rows[0].strip() if rows else "") != spec.equals:
        return Outcome(False, f"value {spec.equals!r}", short(rows[0] if rows else "no rows"))
    return Outcome(True, "query result as described", f"{len(rows)} rows")


def promql(spec: model.PromqlCheck, timeout: float, env: CheckEnv) -> Outcome:
    base = str(env.values["endpoints"].get(spec.endpoint, "")).rstrip("/")
    want = f"{spec.query} in [{spec.min}, {spec.max}]"
    try:
        result = promapi.results(base, render(spec.query, env.values), timeout)
    except promapi.QueryError as exc:
        return Outcome(False, want, str(exc))
    if not result:
        return Outcome(False, want, "no series")
    values = [float(r["value"][1]) for r in result]
    ok = all((spec.min is None or v >= spec.min) and (spec.max is None or v <= spec.max) for v in values)
    return Outcome(ok, want, f"values {values[:5]}")


def service(spec: model.ServiceCheck, timeout: float, env: CheckEnv) -> Outcome:
    code, out = run_in(env, spec.host, ["systemctl", "is-active", spec.unit], timeout)
    return Outcome(code == 0, f"unit {spec.unit} active", short(out) or f"exit {code}")


def k8s(spec: model.K8sCheck, timeout: float, env: CheckEnv) -> Outcome:
    argv = [
        "kubectl",
        "-n",
        spec.namespace,
        "rollout",
        "status",
        f"{spec.kind.lower()}/{spec.name}",
        f"--timeout={int(timeout)}s",
    ]
    code, out = run_in(env, None, argv, timeout + 5)
    return Outcome(code == 0, f"{spec.kind} {spec.name} rolled out", short(out))


KINDS: dict[str, Callable[[Any, float, CheckEnv], Outcome]] = {
    "command": command,
    "http": http,
    "tcp": tcp,
    "file": file,
    "sql": sql,
    "promql": promql,
    "service": service,
    "k8s": k8s,
    "dashboard": dashboard,
    "grafana": grafana,
}
