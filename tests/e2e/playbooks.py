"""Run a lab's provisioning playbooks again against a running instance (end-to-end tests)."""

from __future__ import annotations


def changes_on_second_run(lab_id: str, instance: str = "default") -> dict[str, int]:
    """Each playbook `lab up` runs (ansible/labs/<id>/) -> tasks it changed, run as `lab up` runs it."""
    from provisioner import backends
    from provisioner.backends.common.ansible import changed_count, run_playbook
    from provisioner.backends.common.configure import playbook_vars
    from provisioner.core.paths import ANSIBLE_DIR
    from provisioner.core.state import InstanceRef, Store
    from provisioner.definitions import parts
    from provisioner.definitions.catalog import load
    from provisioner.lifecycle.steps import Context

    lab = load(lab_id)
    ref = InstanceRef(lab_id, instance)
    ctx = Context(ref, Store(ref), lab)
    backend = backends.get(lab.sandbox.backend)
    inventory = backend.inventory(ctx)  # type: ignore[attr-defined]
    return {
        str(book.relative_to(ANSIBLE_DIR)): changed_count(
            run_playbook(book, inventory, ctx.store.path("ansible"), extravars=playbook_vars(ctx))
        )
        for book in parts.playbooks(lab_id)
    }
