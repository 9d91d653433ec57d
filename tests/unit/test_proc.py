from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from provisioner.core import redact, watchdog
from provisioner.core.errors import CommandError, DeadlineExceeded, InfraError
from provisioner.core.proc import run

# Through pipes, or through files for a child that must outlive lab (Terraform): same results.
both_outputs = pytest.mark.parametrize("outlive", [False, True], ids=["pipes", "files"])


@both_outputs
def test_streams_lines_and_returns_output(outlive: bool) -> None:
    seen: list[str] = []
    code = "import time; print('a', flush=True); time.sleep(0.2); print('b'); print('é', end='')"
    result = run([sys.executable, "-c", code], on_line=seen.append, outlive=outlive)
    assert seen == ["a", "b", "é"] and result.stdout == "a\nb\né" and result.returncode == 0


@both_outputs
def test_failure_carries_argv_code_and_stderr_tail(outlive: bool) -> None:
    argv = [sys.executable, "-c", "import sys; sys.stderr.write('line1\\nboom\\n'); sys.exit(4)"]
    with pytest.raises(CommandError) as info:
        run(argv, outlive=outlive)
    err = info.value
    assert err.argv == argv and err.returncode == 4 and "boom" in err.stderr_tail
    assert err.message.endswith("exited with 4: boom") and err.exit_code == 3


@both_outputs
def test_missing_binary_is_a_clear_infra_error(outlive: bool) -> None:
    with pytest.raises(InfraError, match="no-such-tool-xyz: command not found"):
        run(["no-such-tool-xyz"], outlive=outlive)
    assert _open_output_files() == []


def _open_output_files() -> list[str]:
    """The output files (provisioner/core/sinks.py) this process still holds open."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if "lab-output-" in target:
            found.append(target)
    return found


def test_secrets_never_reach_the_error() -> None:
    redact.register("hunter2-hunter2")
    with pytest.raises(CommandError) as info:
        run([sys.executable, "-c", "import sys; sys.stderr.write('pw=hunter2-hunter2'); sys.exit(1)"])
    assert "hunter2" not in info.value.stderr_tail and "***" in info.value.stderr_tail


def test_timeout_kills_the_child() -> None:
    result = run([sys.executable, "-c", "import time; time.sleep(30)"], check=False, timeout=0.5)
    assert result.returncode != 0


def test_deadline_stops_the_whole_group_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watchdog, "STOP_GRACE", (0.5, 0.5))
    # A child that ignores SIGINT and SIGTERM and has a child of its own (like a hung provider).
    pidfile = tmp_path / "grandchild.pid"
    script = (
        "import os, signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN); signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(p.pid))\n"
        "print('started', flush=True); time.sleep(60)\n"
    )
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded) as info:
        run([sys.executable, "-c", script], timeout=1)
    assert time.monotonic() - started < 10
    assert info.value.message.endswith("did not finish within 1 s and was stopped")
    assert info.value.fix and "LAB_TIMEOUT_SCALE" in info.value.fix
    grandchild = int(pidfile.read_text())
    gone_by = time.monotonic() + 3  # SIGKILL is asynchronous
    while _alive(grandchild) and time.monotonic() < gone_by:
        time.sleep(0.05)
    assert not _alive(grandchild)


def test_deadline_without_check_returns_a_timed_out_result() -> None:
    result = run([sys.executable, "-c", "import time; time.sleep(30)"], check=False, timeout=0.5)
    assert result.timed_out and result.returncode != 0


def test_a_child_that_stops_on_sigint_is_not_killed_harder() -> None:
    script = "import time\ntry:\n    time.sleep(30)\nexcept KeyboardInterrupt:\n    print('released the lock')\n"
    result = run([sys.executable, "-c", script], check=False, timeout=1)
    assert result.timed_out and "released the lock" in result.stdout


def test_heartbeat_reports_progress_while_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watchdog, "HEARTBEAT_EVERY", 0.2)
    beats: list[float] = []
    run([sys.executable, "-c", "import time; time.sleep(1)"], heartbeat=beats.append)
    assert len(beats) >= 3 and beats == sorted(beats)


@pytest.mark.parametrize("outlive", [True, False], ids=["files", "pipes"])
def test_only_a_child_writing_to_files_finishes_after_lab_is_killed(tmp_path: Path, outlive: bool) -> None:
    """SIGKILL of lab mid-run: a child writing to files finishes its work (Terraform records what
    it created); through pipes its next line kills it with SIGPIPE (the control)."""
    done = tmp_path / "done"
    child = (
        "import pathlib, time\nfor i in range(15):\n    print(i, flush=True); time.sleep(0.1)\n"
        f"pathlib.Path({str(done)!r}).touch()\n"
    )
    lab = f"from provisioner.core.proc import run\nrun([{sys.executable!r}, '-c', {child!r}], outlive={outlive})\n"
    parent = subprocess.Popen([sys.executable, "-c", lab])
    time.sleep(0.5)
    parent.kill()
    parent.wait()
    time.sleep(2.5)
    assert done.exists() is outlive


@both_outputs
def test_ctrl_c_reaches_the_child_in_its_own_session(tmp_path: Path, outlive: bool) -> None:
    """SIGINT to lab is passed on to the child's group (it runs in a session of its own, out of
    the terminal's reach), so Terraform can stop cleanly; then lab stops too."""
    stopped = tmp_path / "stopped"
    child = (
        "import pathlib, time\ntry:\n    time.sleep(30)\nexcept KeyboardInterrupt:\n"
        f"    pathlib.Path({str(stopped)!r}).touch()\n"
    )
    lab = f"from provisioner.core.proc import run\nrun([{sys.executable!r}, '-c', {child!r}], outlive={outlive})\n"
    parent = subprocess.Popen([sys.executable, "-c", lab], stderr=subprocess.DEVNULL)
    time.sleep(1)
    parent.send_signal(signal.SIGINT)
    assert parent.wait(timeout=20) != 0
    assert stopped.exists()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (ProcessLookupError, FileNotFoundError):
        return False
    # A zombie is gone for our purpose; it waits only for its parent (init) to reap it.
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
