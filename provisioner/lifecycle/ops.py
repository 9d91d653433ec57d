"""The operations behind the CLI verbs: up, down, verify, status. They raise, never print."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from typing import Any

from provisioner import backends
from provisioner.backends.base import Backend
from provisioner.checks.runner import CheckEnv, CheckResult, render, run_checks
from provisioner.core import redact
from provisioner.core.errors import InfraError, LabError
from provisioner.core.report import Reporter, Silent
from provisioner.core.state import InstanceRef, Store, check_instance_name
from provisioner.definitions import catalog
from provisioner.definitions.model import Check, Lab
from provisioner.lifecycle.steps import Context, Options, run_steps


@dataclass
class UpResult:
    lab: str
    instance: str
    endpoints: dict[str, str]
    access: str
    noop: bool
    seconds: float
    checks: list[CheckResult] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)  # optional component -> why


def instance_ref(lab_id: str, instance: str) -> InstanceRef:
    return InstanceRef(lab_id, check_instance_name(instance))


def definition_hash(lab: Lab) -> str:
    return hashlib.sha256(lab.model_dump_json().encode()).hexdigest()[:16]


def check_env(ctx: Context, backend: Backend) -> CheckEnv:
    state = ctx.store.read()
    values = {
        "endpoints": state.get("endpoints") or {},
        "hosts": state.get("hosts") or {},
        "secrets": ctx.store.secrets(),
        "instance": ctx.ref.instance,
        "lab_id": ctx.ref.lab,
    }
    return CheckEnv(values, lambda host, argv: backend.exec_argv(ctx, host, argv))


def readiness(ctx: Context, backend: Backend, retry: bool = True) -> list[CheckResult]:
    """Run the readiness checks. A check on an optional component that is unavailable here (the
    backend says which and why) is not run: it is reported failed, seen "unavailable: <reason>",
    marked extra["unavailable"] = component, and does not fail `up` or `verify` (see blocking)."""
    lab = ctx.require_lab()
    checks = lab.checks if retry else [c.model_copy(update={"retry": 0}) for c in lab.checks]
    env, unavailable = check_env(ctx, backend), backend.unavailable_components(ctx)
    results = []
    for check in checks:
        component = _unavailable_component(lab, check, unavailable)
        if component is None:
            results += run_checks([check], env, on_retry=ctx.report.info)
            continue
        seen = f"unavailable: {unavailable[component]}"
        expected = f"optional component {component} to be available"
        results.append(CheckResult(check.name, check.kind, False, expected, seen, 0.0, 0, {"unavailable": component}))
    return results


def _unavailable_component(lab: Lab, check: Check, unavailable: dict[str, str]) -> str | None:
    """The unavailable component a check needs: as its host, its endpoint, or named in a template."""
    spec, text = check.spec, check.spec.model_dump_json()
    for c in lab.sandbox.components:
        if c.name not in unavailable:
            continue
        ports = [p.name for p in c.ports]
        named = [rf"endpoints(\.{re.escape(p)}(?![\w-])|\[\\?['\"]{re.escape(p)}\\?['\"]\])" for p in ports]
        named.append(rf"hosts(\.{re.escape(c.name)}(?![\w-])|\[\\?['\"]{re.escape(c.name)}\\?['\"]\])")
        if getattr(spec, "host", None) == c.name or getattr(spec, "endpoint", None) in ports:
            return c.name
        if any(re.search(pattern, text) for pattern in named):
            return c.name
    return None


def blocking(results: list[CheckResult]) -> list[CheckResult]:
    """Failed checks that count: not those of an unavailable optional component."""
    return [r for r in results if not r.passed and not r.extra.get("unavailable")]


def up(
    lab_id: str, instance: str = "default", options: Options | None = None, report: Reporter | None = None
) -> UpResult:
    started = time.monotonic()
    lab = catalog.load(lab_id)
    backend = backends.get(lab.sandbox.backend)
    ref = instance_ref(lab_id, instance)
    store = Store(ref)
    with store.lock("up"):
        ctx = Context(ref, store, lab, report or Silent(), options or Options())
        redact.register(*store.secrets().values())
        state = store.read()
        if state.get("status") == "ready" and state.get("definition") == definition_hash(lab):
            results = readiness(ctx, backend, retry=False)
            if not blocking(results):
                return _result(ctx, results, started, noop=True)
        backend.preflight(ctx)
        results = _provision(ctx, backend, state)
        return _result(ctx, results, started, noop=False)


def _provision(ctx: Context, backend: Backend, state: dict[str, Any]) -> list[CheckResult]:
    lab, opts = ctx.require_lab(), ctx.options
    now = time.time()
    ctx.store.record("begin", action="up", backend=backend.name, run=ctx.run_id)
    ctx.store.update(
        status="creating",
        backend=backend.name,
        run_id=ctx.run_id,
        definition=definition_hash(lab),
        created=state.get("created", now),
        student=opts.student or state.get("student"),
        student_params=opts.extra.get("params") or state.get("student_params"),
        expires=now + opts.ttl_seconds if opts.ttl_seconds else state.get("expires"),
    )
    try:
        run_steps(ctx, backend.up_steps(), "up")
        ctx.report.step("ready", "waiting for the sandbox to answer its checks")
        results = readiness(ctx, backend)
        failed = blocking(results)
        if failed:
            raise InfraError(
                f"sandbox not ready: {failed[0].name}: {failed[0].message}",
                "run `lab up` again with --keep --debug to inspect it",
            )
    except BaseException as exc:
        ctx.store.update(status="failed", error=redact.redact(str(getattr(exc, "message", exc)) or type(exc).__name__))
        if isinstance(exc, LabError):
            exc.diagnostics = _diagnose(ctx)
        # Clean up only what this run created: a sandbox that was ready holds the learner's work.
        if not opts.keep and state.get("status") != "ready":
            _teardown_after_failure(ctx, backend)
        raise
    ctx.store.update(status="ready", ready_at=time.time(), error=None)
    return results


def _diagnose(ctx: Context) -> str | None:
    """Written before cleanup so the bundle still sees the containers; never hides the failure."""
    from provisioner.lifecycle.diagnostics import collect

    try:
        return str(collect(ctx.store))
    except Exception as exc:  # a bundle is a courtesy, the original error matters more
        ctx.report.info(f"could not write diagnostics: {exc}")
        return None


def _teardown_after_failure(ctx: Context, backend: Backend) -> None:
    """Clean up by default, so a failed `up` leaves nothing behind; never mask the first error."""
    ctx.report.info("cleaning up after the failure (use --keep to keep the sandbox)")
    try:
        run_steps(ctx, backend.down_steps(), "down")
        ctx.store.update(status="failed-removed")
    except (LabError, KeyboardInterrupt) as exc:
        ctx.report.info(f"cleanup did not finish ({exc}); run `lab down {ctx.ref.lab} --instance {ctx.ref.instance}`")


def _result(ctx: Context, results: list[CheckResult], started: float, noop: bool) -> UpResult:
    state = ctx.store.read()
    backend = backends.get(state["backend"])
    values = check_env(ctx, backend).values
    access = render(ctx.require_lab().access, values)
    return UpResult(
        ctx.ref.lab,
        ctx.ref.instance,
        state.get("endpoints") or {},
        access,
        noop,
        round(time.monotonic() - started, 2),
        results,
        backend.unavailable_components(ctx),
    )


def down(lab_id: str, instance: str = "default", report: Reporter | None = None) -> bool:
    """Tear down from whatever state exists; returns False when there was nothing to remove."""
    ref = instance_ref(lab_id, instance)
    store = Store(ref)
    with store.lock("down"):
        lab, name = _backend_for_down(store, lab_id)
        if name is None:
            store.forget()
            return False
        ctx = Context(ref, store, lab, report or Silent())
        store.record("begin", action="down", backend=name, run=ctx.run_id)
        if store.read():
            store.update(status="destroying")
        run_steps(ctx, backends.get(name).down_steps(), "down")
        store.forget()
        return True


def _backend_for_down(store: Store, lab_id: str) -> tuple[Lab | None, str | None]:
    """State first (the definition may have been edited since), then the ledger, then the definition."""
    name = store.read().get("backend")
    name = name or next((e.get("backend") for e in store.ledger() if e.get("backend")), None)
    try:
        lab: Lab | None = catalog.load(lab_id)
    except LabError:
        lab = None
    if name is None and lab is not None and backends.is_built(lab.sandbox.backend) and store.exists():
        name = lab.sandbox.backend
    return lab, name


@dataclass
class VerifyResult:
    checks: list[CheckResult]
    diagnostics: str | None = None
    unavailable: dict[str, str] = field(default_factory=dict)  # optional component -> why

    @property
    def passed(self) -> bool:
        """Every check passed, except those of unavailable optional components (never passed)."""
        return not blocking(self.checks)


def verify(lab_id: str, instance: str = "default", report: Reporter | None = None) -> VerifyResult:
    lab = catalog.load(lab_id)
    ref = instance_ref(lab_id, instance)
    store = Store(ref)
    state = store.read()
    if state.get("status") != "ready":
        raise InfraError(
            f"{ref.key} is not up (state: {state.get('status', 'absent')})",
            f"run `lab up {lab_id}" + (f" --instance {instance}`" if instance != "default" else "`"),
        )
    backend = backends.get(state["backend"])
    ctx = Context(ref, store, lab, report or Silent())
    redact.register(*store.secrets().values())
    result = VerifyResult(readiness(ctx, backend), unavailable=backend.unavailable_components(ctx))
    if not result.passed:
        result.diagnostics = _diagnose(ctx)
    return result
