"""`lab up`: the backend's up steps, then readiness, run by the one step loop.

The lab is loaded and the backend built once, here, and passed to every step in the Context."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from provisioner import backends
from provisioner.checks.runner import CheckResult, render
from provisioner.core import redact
from provisioner.core.errors import BackendUnavailable, InfraError, LabError, UsageError
from provisioner.core.instance_state import InstanceState
from provisioner.core.report import Reporter, Silent
from provisioner.core.state import Store, instance_ref
from provisioner.definitions import catalog
from provisioner.definitions.model import Lab
from provisioner.lifecycle.down import teardown
from provisioner.lifecycle.steps import Context, Driver, Options, Produced, Step, run_steps
from provisioner.lifecycle.verify import blocking, check_env, diagnose, readiness


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
    definition: Lab | None = None  # the lab as loaded for this up, for the access sheet
    port_forward: list[str] = field(default_factory=list)  # how the endpoints reach the learner, if not directly


class Ready:
    """The last step: the readiness checks must pass (their results are kept for the caller)."""

    def __init__(self) -> None:
        self.results: list[CheckResult] = []

    def __call__(self, ctx: Context) -> Produced:
        self.results = readiness(ctx)
        failed = blocking(self.results)
        if failed:
            raise InfraError(
                f"sandbox not ready: {failed[0].name}: {failed[0].message}",
                "run `lab up` again with --keep --debug to inspect it",
            )
        return {"status": "ready", "ready_at": time.time(), "error": None}

    def step(self) -> Step:
        return Step("ready", "waiting for the sandbox to answer its checks", self)


def up_steps(ctx: Context, ready: Ready) -> list[Step]:
    backend = ctx.require_backend()
    return [*backend.up_steps(), ready.step(), *backend.after_ready_steps()]


def definition_hash(lab: Lab) -> str:
    return hashlib.sha256(lab.model_dump_json().encode()).hexdigest()[:16]


def up(
    lab_id: str, instance: str = "default", options: Options | None = None, report: Reporter | None = None
) -> UpResult:
    """Make the sandbox ready; a no-op when it already is, from this same definition."""
    started = time.monotonic()
    lab = catalog.load(lab_id)
    if lab.unavailable:
        raise BackendUnavailable(
            f"{lab_id} cannot run in this version of lab: {lab.unavailable}", "`lab list` shows which labs run"
        )
    ref = instance_ref(lab_id, instance)
    opts = options or Options()
    store = Store(ref)
    ctx = Context(ref, store, lab, placed(lab, store, opts), report or Silent(), opts)
    with ctx.store.lock("up"), redact.run():
        redact.register(*ctx.store.secrets().values())
        state = ctx.store.load()
        if state.status == "ready" and state.definition == definition_hash(lab):
            results = readiness(ctx, retry=False)
            if not blocking(results):
                return result(ctx, results, started, noop=True)
        ctx.require_backend().preflight(ctx)
        return result(ctx, _provision(ctx, state), started, noop=False)


def placed(lab: Lab, store: Store, options: Options) -> Driver:
    """The lab's own backend, or the target `up` was given or an earlier `up` recorded: an
    instance is never made a second time elsewhere, where its `down` would not look."""
    state = store.load()
    backend = backends.for_lab(lab, options.target.name if options.target else state.target)
    if state.backend and state.status not in (None, "failed-removed") and state.backend != backend.name:
        raise UsageError(
            f"{store.ref.key} is already made by the {state.backend} backend, not {backend.name}",
            f"`lab down {store.ref.lab} --instance {store.ref.instance}` first",
        )
    return backend


def _provision(ctx: Context, state: InstanceState) -> list[CheckResult]:
    lab, opts, backend = ctx.require_lab(), ctx.options, ctx.require_backend()
    now = time.time()
    ctx.store.record("begin", action="up", backend=backend.name, run=ctx.run_id)
    if unfinished(state):
        ctx.report.info("an earlier `up` or `down` of this sandbox did not finish: removing what it left first")
        teardown(ctx)
    ctx.store.update(
        status="creating",
        backend=backend.name,
        target=opts.target.name if opts.target else state.target,
        run_id=ctx.run_id,
        name=ctx.name,
        definition=definition_hash(lab),
        created=state.created or now,
        student=opts.student or state.student,
        student_params=opts.extra.get("params") or state.student_params,
        expires=now + opts.ttl_seconds if opts.ttl_seconds else state.expires,
    )
    ready = Ready()
    try:
        run_steps(ctx, up_steps(ctx, ready), "up")
    except BaseException as exc:
        record_failure(ctx, exc)
        if isinstance(exc, LabError):
            exc.diagnostics = diagnose(ctx)
        # Clean up only what this run created: a sandbox that was ready holds the learner's work.
        if not opts.keep and state.status != "ready":
            _teardown_after_failure(ctx)
        raise
    return ready.results


def unfinished(state: InstanceState) -> bool:
    """Left by a run cut short (killed, or failed with --keep) before the sandbox was ever ready, or
    by a cut-short `down`. Repeating the steps over it is not safe: a resource may be half made (a
    database killed during its first start leaves a data volume it then takes for finished), and
    the steps cannot tell. It holds no learner's work yet, so it is made again from nothing."""
    never_ready = state.status in ("creating", "failed") and state.ready_at is None
    return never_ready or state.status == "destroying"


def record_failure(ctx: Context, exc: BaseException) -> None:
    ctx.store.update(status="failed", error=redact.redact(str(getattr(exc, "message", exc)) or type(exc).__name__))


def _teardown_after_failure(ctx: Context) -> None:
    """Clean up by default, so a failed `up` leaves nothing behind; never mask the first error."""
    ctx.report.info("cleaning up after the failure (use --keep to keep the sandbox)")
    try:
        teardown(ctx)
        ctx.store.update(status="failed-removed")
    except (LabError, KeyboardInterrupt) as exc:
        ctx.report.info(f"cleanup did not finish ({exc}); run `lab down {ctx.ref.lab} --instance {ctx.ref.instance}`")


def result(ctx: Context, results: list[CheckResult], started: float, noop: bool) -> UpResult:
    lab, state = ctx.require_lab(), ctx.store.load()
    return UpResult(
        ctx.ref.lab,
        ctx.ref.instance,
        state.endpoints,
        render(lab.access, check_env(ctx).values),
        noop,
        round(time.monotonic() - started, 2),
        results,
        ctx.require_backend().unavailable_components(ctx),
        lab,
        state.port_forward,
    )
