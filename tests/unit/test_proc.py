from __future__ import annotations

import sys

import pytest

from provisioner import redact
from provisioner.errors import CommandError, InfraError
from provisioner.proc import run


def test_streams_lines_and_returns_output() -> None:
    seen: list[str] = []
    result = run([sys.executable, "-c", "print('a'); print('b')"], on_line=seen.append)
    assert seen == ["a", "b"] and result.stdout == "a\nb\n" and result.returncode == 0


def test_failure_carries_argv_code_and_stderr_tail() -> None:
    argv = [sys.executable, "-c", "import sys; sys.stderr.write('line1\\nboom\\n'); sys.exit(4)"]
    with pytest.raises(CommandError) as info:
        run(argv)
    err = info.value
    assert err.argv == argv and err.returncode == 4 and "boom" in err.stderr_tail
    assert err.message.endswith("exited with 4: boom") and err.exit_code == 3


def test_missing_binary_is_a_clear_infra_error() -> None:
    with pytest.raises(InfraError, match="no-such-tool-xyz: command not found"):
        run(["no-such-tool-xyz"])


def test_secrets_never_reach_the_error() -> None:
    redact.register("hunter2-hunter2")
    with pytest.raises(CommandError) as info:
        run([sys.executable, "-c", "import sys; sys.stderr.write('pw=hunter2-hunter2'); sys.exit(1)"])
    assert "hunter2" not in info.value.stderr_tail and "***" in info.value.stderr_tail


def test_timeout_kills_the_child() -> None:
    result = run([sys.executable, "-c", "import time; time.sleep(30)"], check=False, timeout=0.5)
    assert result.returncode != 0
