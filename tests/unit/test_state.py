from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from provisioner.core.errors import BusyError, UsageError
from provisioner.core.instance_state import VERSION, InstanceState
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
    assert store.load().status == "creating"


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


# A ready docker instance as written before the typed record (no version; nulls for "none").
TODAY = {
    "backend": "docker",
    "created": 1764500000.0,
    "definition": "0123456789abcdef",
    "endpoints": {"web": "http://127.0.0.1:27100"},
    "error": None,
    "exercises": {"ex1": {"checked_at": 1764500100.0, "failed": ["served"], "passed": False}},
    "expires": None,
    "hosts": {"svc": {"container": "lab-testlab-default-svc"}},
    "images": {"svc": "lab/svc:1234"},
    "instance": "default",
    "lab": "testlab",
    "ports": {"web": 27100},
    "ready_at": 1764500050.0,
    "run_id": "abcdef123456",
    "status": "ready",
    "student": None,
    "student_params": None,
    "unavailable": {"dash": "no image here"},
    "updated": 1764500100.0,
    # the vm backend's keys
    "accel": "kvm",
    "seeds": {"vm": "/var/lib/lab/seed.iso"},
    "ssh_command": {"vm": "ssh -p 27101 lab@127.0.0.1"},
    "ssh_key": "/home/u/.lab/instances/testlab/default/ssh/id_ed25519",
    "ssh_ready_at": 1764500040.0,
    "ssh_ready_seconds": {"vm": 12.5},
    "vm_image": {"hash": "h", "initrd": "/i", "kernel": "/k", "root": "/r", "variant": "base"},
}

# The first format, from the first commit: what the local backend's `up` wrote.
EARLIEST = {
    "backend": "local",
    "created": 1764200000.0,
    "definition": "fedcba9876543210",
    "endpoints": {},
    "error": None,
    "expires": None,
    "hosts": {"box": {"ansible_host": "localhost"}},
    "instance": "default",
    "lab": "testlab",
    "ready_at": 1764200010.0,
    "run_id": "0123456789ab",
    "status": "ready",
    "student": None,
    "updated": 1764200010.0,
}


def write_state(store: Store, data: dict[str, object]) -> None:
    store.dir.mkdir(parents=True)
    store.path("state.json").write_text(json.dumps(data))


def test_todays_unversioned_state_is_read_typed(lab_home: Path) -> None:
    store = Store(InstanceRef("testlab"))
    write_state(store, TODAY)
    state = store.load()
    assert state.version == VERSION and state.status == "ready" and state.backend == "docker"
    assert state.ports == {"web": 27100} and state.images == {"svc": "lab/svc:1234"}
    assert state.student_params == {} and state.student is None
    assert state.exercises["ex1"].failed == ["served"] and state.vm_image["root"] == "/r"
    assert state.ssh_ready_seconds == {"vm": 12.5} and state.accel == "kvm"


def test_the_earliest_state_is_read_and_written_back_versioned(lab_home: Path) -> None:
    store = Store(InstanceRef("testlab"))
    write_state(store, EARLIEST)
    assert store.load().hosts == {"box": {"ansible_host": "localhost"}}
    store.update(status="destroying")
    written = json.loads(store.path("state.json").read_text())
    assert written["version"] == VERSION and written["status"] == "destroying"
    assert written["created"] == EARLIEST["created"] and mode(store.path("state.json")) == 0o600


def test_a_state_from_a_newer_lab_is_refused(lab_home: Path) -> None:
    store = Store(InstanceRef("testlab"))
    write_state(store, EARLIEST | {"version": VERSION + 1})
    with pytest.raises(UsageError, match="newer lab"):
        store.load()


def test_a_missing_or_torn_state_is_blank(lab_home: Path) -> None:
    store = Store(InstanceRef("testlab"))
    assert store.load().status is None
    write_state(store, {})
    store.path("state.json").write_text('{"status": "rea')
    assert store.load() == InstanceState(lab="testlab", instance="default")


def test_update_rejects_a_field_the_record_does_not_have(lab_home: Path) -> None:
    store = Store(InstanceRef("testlab"))
    with pytest.raises(ValidationError, match="no_such_field"):
        store.update(no_such_field=1)
    with pytest.raises(ValidationError, match="ports"):
        store.update(ports={"web": "not a port"})
