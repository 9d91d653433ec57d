from __future__ import annotations

import stat
from pathlib import Path

import pytest

from provisioner.core.errors import BusyError
from provisioner.core.state import InstanceRef, Store, all_instances, write_private


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_state_files_are_private_and_atomic(lab_home: Path) -> None:
    store = Store(InstanceRef("testlab"))
    store.update(status="creating")
    store.record("step-start", step="apply")
    store.save_secrets({"token": "s3cret-value"})
    for name in ("state.json", "ledger.jsonl", "secrets.json"):
        assert mode(store.path(name)) == 0o600
    assert mode(store.dir) == 0o700
    assert not list(store.dir.glob(".*.tmp"))
    assert store.read()["status"] == "creating"


def test_write_private_replaces_existing_content(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    write_private(target, "one")
    write_private(target, "two")
    assert target.read_text() == "two" and mode(target) == 0o600


def test_a_torn_last_ledger_line_is_ignored(lab_home: Path) -> None:
    store = Store(InstanceRef("testlab"))
    store.record("step-start", step="init")
    with store.path("ledger.jsonl").open("a") as fh:
        fh.write('{"event": "step-st')
    assert [e["step"] for e in store.ledger()] == ["init"]


def test_second_lock_holder_fails_at_once_with_who_holds_it(lab_home: Path) -> None:
    store = Store(InstanceRef("testlab"))
    busy = pytest.raises(BusyError, match=r"testlab/default is busy: `lab up` \(pid \d+\)")
    with store.lock("up"), busy, Store(InstanceRef("testlab")).lock("down"):
        pass
    with store.lock("down"):  # released on exit
        pass


def test_forget_removes_everything_and_instances_are_listed(lab_home: Path) -> None:
    store = Store(InstanceRef("testlab", "a"))
    store.update(status="ready")
    assert all_instances() == [InstanceRef("testlab", "a")]
    with store.lock("down"):
        store.forget()
    assert not store.dir.exists() and all_instances() == []
