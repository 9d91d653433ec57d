"""`lab verify`, and the readiness checks that `up` waits for."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from provisioner import backends
from provisioner.checks.runner import CheckEnv, CheckResult, run_check
from provisioner.core import redact
from provisioner.core.errors import InfraError
from provisioner.core.parallel import in_order
from provisioner.core.report import Reporter, Silent
from provisioner.core.state import Store, instance_ref
from provisioner.definitions import catalog
from provisioner.definitions.model import Check
from provisioner.lifecycle.diagnostics import collect
from provisioner.lifecycle.needs import components_needed
from provisioner.lifecycle.steps import Context

# Checks of one sandbox in flight at once: a class of sandboxes on one machine pays each as a process.
READINESS_WORKERS = 4
# While `up` waits: seconds any check keeps trying a host that does not answer at all (a guest
# under emulation can be too busy for a new SSH connection for a while after its boot).
UNREACHED_GRACE = 60.0


def check_env(ctx: Context, endpoints: Mapping[str, str] | None = None) -> CheckEnv:
    """What check templates see, and how a check reaches into a sandbox host; `endpoints` stand
    in for those in state (the backend's tunnels, see checking)."""
    state, backend = ctx.store.load(), ctx.require_backend()
    values = {
        "endpoints": state.endpoints | dict(endpoints or {}),
        "hosts": state.hosts,
        "secrets": ctx.store.secrets(),
        "instance": ctx.ref.instance,
        "lab_id": ctx.ref.lab,
    }
    return CheckEnv(values, lambda host, argv: backend.exec_argv(ctx, host, argv), machine_env=backend.machine_env(ctx))


@contextmanager
def checking(ctx: Context, checks: list[Check]) -> Iterator[CheckEnv]:
    """The env of these checks, with the backend's endpoint tunnels open while the block runs
    (a cluster's port-forwards), when one of them reaches an endpoint at all."""
    if not any(_reaches_endpoint(c) for c in checks):
        yield check_env(ctx)
        return
    with ctx.require_backend().endpoint_tunnels(ctx) as endpoints:
        yield check_env(ctx, endpoints)


def _reaches_endpoint(check: Check) -> bool:
    # A tcp check's `endpoint`, or `endpoints` in any template: more than needed is only slower.
    return "endpoint" in check.model_dump_json(exclude_none=True)


def readiness(ctx: Context, retry: bool = True) -> list[CheckResult]:
    """Run the readiness checks (see run_available: an unavailable optional component's are not
    run, and block neither `up` nor `verify`)."""
    lab = ctx.require_lab()
    checks = lab.checks if retry else [c.model_copy(update={"retry": 0}) for c in lab.checks]
    # Readiness checks only read, so they wait side by side: `up` waits for the slowest, not the sum.
    results: list[CheckResult] = []
    grace = UNREACHED_GRACE if retry else 0.0
    with checking(ctx, checks) as env:  # one set of tunnels for every wave
        for wave in waves(checks):
            results += run_available(ctx, wave, ctx.report.info, READINESS_WORKERS, grace, env)
    return results


def waves(checks: list[Check]) -> list[list[Check]]:
    """The checks split before each one with no retry window that follows one with a window. A
    check tried once assumes what the waits listed before it wait for (SSH, then the engine, then
    the engine's images): run beside them, it would fail while the guest is still coming up."""
    groups: list[list[Check]] = [[]]
    for check in checks:
        if not check.retry and any(c.retry for c in groups[-1]):
            groups.append([])
        groups[-1].append(check)
    return groups


def run_available(
    ctx: Context,
    checks: list[Check],
    on_retry: Callable[[str], None] | None = None,
    workers: int = 1,
    unreached_grace: float = 0.0,
    env: CheckEnv | None = None,
) -> list[CheckResult]:
    """Run the checks, `workers` at a time, results in their order. One needing an optional
    component that is unavailable here (the backend says which and why) is not run: it is
    reported failed, seen "unavailable: <reason>", marked extra["unavailable"] = component, and
    `blocking` leaves it out. Without `env`, the checks' own (checking)."""
    if env is None:
        with checking(ctx, checks) as env:
            return run_available(ctx, checks, on_retry, workers, unreached_grace, env)
    lab, found = ctx.require_lab(), env
    unavailable = ctx.require_backend().unavailable_components(ctx)

    def one(check: Check) -> CheckResult:
        missing = sorted(components_needed(lab, check) & set(unavailable))
        if not missing:
            return run_check(check, found, on_retry, unreached_grace)
        seen, expected = f"unavailable: {unavailable[missing[0]]}", f"optional component {missing[0]} to be available"
        return CheckResult(check.name, check.kind, False, expected, seen, 0.0, 0, {"unavailable": missing[0]})

    return in_order(one, checks, workers)


def blocking(results: list[CheckResult]) -> list[CheckResult]:
    """Failed checks that count: not those of an unavailable optional component."""
    return [r for r in results if not r.passed and not r.extra.get("unavailable")]


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
    """Run the readiness checks against a ready sandbox, once each (their retry windows apply)."""
    ref = instance_ref(lab_id, instance)
    store = Store(ref)
    state = store.load()
    if state.status != "ready" or state.backend is None:
        raise InfraError(
            f"{ref.key} is not up (state: {state.status or 'absent'})",
            f"run `lab up {lab_id}" + (f" --instance {instance}`" if instance != "default" else "`"),
        )
    ctx = Context(ref, store, catalog.load(lab_id), backends.get(state.backend), report or Silent())
    # No step loop and no ledger entry: verify holds no lock, and must not write into a state
    # folder that a concurrent `down` is removing.
    with redact.run():
        redact.register(*store.secrets().values())
        result = VerifyResult(readiness(ctx), unavailable=ctx.require_backend().unavailable_components(ctx))
        if not result.passed:
            result.diagnostics = diagnose(ctx)
    return result


def diagnose(ctx: Context) -> str | None:
    """Written before cleanup so the bundle still sees the containers; never hides the failure."""
    try:
        return str(collect(ctx.store))
    except Exception as exc:  # a bundle is a courtesy, the original error matters more
        ctx.report.info(f"could not write diagnostics: {exc}")
        return None
