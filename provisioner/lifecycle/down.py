"""`lab down`: the backend's down steps, from whatever state exists, then the state goes."""

from __future__ import annotations

from provisioner import backends
from provisioner.core.errors import LabError
from provisioner.core.report import Reporter, Silent
from provisioner.core.state import Store, instance_ref
from provisioner.definitions import catalog
from provisioner.definitions.model import Lab
from provisioner.lifecycle.steps import Context, Step, run_steps


def down_steps(ctx: Context) -> list[Step]:
    """Every step must work from partial or missing state, without the lab definition."""
    return ctx.require_backend().down_steps()


def teardown(ctx: Context) -> None:
    run_steps(ctx, down_steps(ctx), "down")


def down(lab_id: str, instance: str = "default", report: Reporter | None = None) -> bool:
    """Tear down from whatever state exists; returns False when there was nothing to remove."""
    ref = instance_ref(lab_id, instance)
    store = Store(ref)
    with store.lock("down"):
        lab, name = _backend_for_down(store, lab_id)
        if name is None:
            store.forget()
            return False
        ctx = Context(ref, store, lab, backends.get(name), report or Silent())
        store.record("begin", action="down", backend=name, run=ctx.run_id)
        if (store.dir / "state.json").exists():
            store.update(status="destroying")
        teardown(ctx)
        store.forget()
        return True


def _backend_for_down(store: Store, lab_id: str) -> tuple[Lab | None, str | None]:
    """State first (the definition may have been edited since), then the ledger, then the definition."""
    name = store.load().backend
    name = name or next((e.get("backend") for e in store.ledger() if e.get("backend")), None)
    try:
        lab: Lab | None = catalog.load(lab_id)
    except LabError:
        lab = None
    if name is None and lab is not None and backends.is_built(lab.sandbox.backend) and store.exists():
        name = lab.sandbox.backend
    return lab, name
