from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from provisioner.checks.runner import CheckEnv, pause, run_check
from provisioner.core.proc import Result
from provisioner.definitions.model import Check


def check(**spec: Any) -> Check:
    return Check.model_validate({"name": "c", "timeout": 2, **spec})


def fake_run(code: int, out: str) -> Any:
    calls: list[list[str]] = []

    def run(argv: list[str], **_kw: Any) -> Result:
        calls.append(argv)
        return Result(argv, code, out, "")

    run.calls = calls  # type: ignore[attr-defined]
    return run


def test_command_inside_a_host_uses_exec_argv_and_says_what_it_saw() -> None:
    run = fake_run(0, "hello world")
    env = CheckEnv({"x": "world"}, lambda host, argv: ["docker", "exec", host, *argv], run)
    ok = run_check(check(command={"argv": ["echo", "{{ x }}"], "host": "box", "stdout": "hello"}), env)
    assert ok.passed and run.calls == [["docker", "exec", "box", "timeout", "--kill-after=2", "2", "echo", "world"]]
    bad = run_check(check(command={"argv": ["true"], "stdout": "^nope$"}), CheckEnv({}, run=fake_run(0, "out")))
    assert not bad.passed and bad.message == "expected exit 0 and output matching /^nope$/; seen exit 0, output 'out'"


def test_file_check_mode_and_content(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("key = 1\n")
    f.chmod(0o640)
    assert run_check(check(file={"path": str(f), "mode": "0640", "content": "^key"}), CheckEnv({})).passed
    wrong = run_check(check(file={"path": str(f), "mode": "0600"}), CheckEnv({}))
    assert not wrong.passed and "seen mode 0640" in wrong.message
    absent = run_check(check(file={"path": str(tmp_path / "nope")}), CheckEnv({}))
    assert not absent.passed and "seen it does not" in absent.message


def test_sql_check_builds_psql_argv_and_compares() -> None:
    run = fake_run(0, "42\n")
    env = CheckEnv({}, lambda host, argv: ["docker", "exec", host, *argv], run)
    result = run_check(check(sql={"host": "pg", "query": "select 42", "equals": "42", "database": "mlops"}), env)
    assert result.passed
    assert run.calls[0][:6] == ["docker", "exec", "pg", "timeout", "--kill-after=2", "2"]
    assert run.calls[0][-2:] == ["-c", "select 42"]
    assert "mlops" in run.calls[0]


@pytest.fixture
def server() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"status": "ok", "data": {"result": [1]}}'
            self.send_response(200 if self.path == "/health" else 404)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_a: Any) -> None:
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_http_and_tcp_checks_against_a_real_server(server: str) -> None:
    env = CheckEnv({"endpoints": {"api": server}})
    assert run_check(
        check(http={"url": "{{ endpoints.api }}/health", "json_path": "status", "equals": "ok"}), env
    ).passed
    miss = run_check(check(http={"url": "{{ endpoints.api }}/nope"}), env)
    assert not miss.passed and "seen HTTP 404" in miss.message
    assert run_check(check(tcp={"endpoint": "api"}), env).passed


def test_retry_window_retries_until_it_passes() -> None:
    answers = iter([1, 1, 0])

    def run(argv: list[str], **_kw: Any) -> Result:
        return Result(argv, next(answers), "", "")

    said: list[str] = []
    result = run_check(check(retry=5, command={"argv": ["probe"]}), CheckEnv({}, run=run), said.append)
    assert result.passed and result.attempts == 3
    assert len(said) == 1, said  # the same failure twice is said once


def test_while_up_waits_a_host_that_does_not_answer_is_tried_again_even_by_a_one_off_check() -> None:
    def env(codes: list[int]) -> CheckEnv:
        answers = iter(codes)
        run = lambda argv, **_kw: Result(argv, next(answers), "", "")  # noqa: E731
        return CheckEnv({}, lambda host, argv: ["ssh", host, *argv], run)

    one_off = check(command={"host": "vm", "argv": ["id", "-u", "mlsvc"]})
    assert run_check(one_off, env([255, 255, 0]), unreached_grace=5).passed  # no SSH yet, then an answer
    assert run_check(one_off, env([1, 0]), unreached_grace=5).attempts == 1  # an answer is a verdict
    unreached = run_check(one_off, env([255, 0]))  # `lab check`, `lab verify`: no grace
    assert not unreached.passed and "closed the connection before login" in unreached.message


def test_a_slow_machine_scales_the_attempt_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    timeouts: list[float] = []

    def run(argv: list[str], **kw: Any) -> Result:
        timeouts.append(kw["timeout"])
        return Result(argv, 0, "", "")

    monkeypatch.setenv("LAB_TIMEOUT_SCALE", "3")
    assert run_check(check(command={"argv": ["probe"]}), CheckEnv({}, run=run)).passed
    assert timeouts == [6]


def test_a_check_is_retried_at_once_then_at_most_once_a_second() -> None:
    assert [pause(n) for n in range(1, 9)] == [0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
