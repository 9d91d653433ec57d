"""A child held beside lab: ready on its line, and gone with its whole group when the block
ends, however it ends (a normal end, an error, Ctrl-C, a child that never says it is ready)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from provisioner.core.background import held
from provisioner.core.errors import CommandError, DeadlineExceeded

READY = re.compile(r"listening on (\d+)")


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent (init in a container may reap late)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def child(tmp_path: Path, say: str = "print('listening on 4242', flush=True)") -> list[str]:
    """A child that starts a grandchild in its group, writes both pids, says `say`, then sleeps."""
    code = (
        "import os, subprocess, sys, time\n"
        "grand = subprocess.Popen(['sleep', '60'])\n"
        f"open({str(tmp_path / 'pids')!r}, 'w').write(f'{{os.getpid()}} {{grand.pid}}')\n"
        f"{say}\n"
        "time.sleep(60)\n"
    )
    return [sys.executable, "-c", code]


def pids(tmp_path: Path) -> list[int]:
    return [int(p) for p in (tmp_path / "pids").read_text().split()]


def test_yields_the_ready_line_s_match_and_stops_the_whole_group_after(tmp_path: Path) -> None:
    with held(child(tmp_path), READY, 10) as found:
        assert found.group(1) == "4242"
        assert all(alive(p) for p in pids(tmp_path))
    assert not any(alive(p) for p in pids(tmp_path))


@pytest.mark.parametrize("raised", [RuntimeError, KeyboardInterrupt])
def test_an_error_or_ctrl_c_in_the_block_stops_it_too(tmp_path: Path, raised: type[BaseException]) -> None:
    with pytest.raises(raised), held(child(tmp_path), READY, 10):
        raise raised()
    assert not any(alive(p) for p in pids(tmp_path))


def test_a_child_that_ends_first_is_a_command_error_with_what_it_said(tmp_path: Path) -> None:
    say = "sys.stderr.write('error: pod is not running\\n'); sys.stderr.flush(); grand.kill(); sys.exit(3)"
    with (
        pytest.raises(CommandError, match="exited with 3: error: pod is not running"),
        held(child(tmp_path, say), READY, 10),
    ):
        pytest.fail("never ready")
    assert not any(alive(p) for p in pids(tmp_path))


def test_a_child_silent_past_its_deadline_is_stopped(tmp_path: Path) -> None:
    with pytest.raises(DeadlineExceeded), held(child(tmp_path, "print('starting', flush=True)"), READY, 0.5):
        pytest.fail("never ready")
    assert not any(alive(p) for p in pids(tmp_path))
