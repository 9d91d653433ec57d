"""The `lab` command. The only module that prints or exits; heavy imports stay inside commands."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from provisioner.core.errors import EXIT_INFRA, EXIT_INTERRUPTED, DefinitionError, LabError

OUTPUT = click.option(
    "--output",
    "-o",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people, json for scripts",
)
INSTANCE = click.option(
    "--instance", "-i", default="default", show_default=True, help="instance name (several per lab)"
)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def reporter(output: str) -> Any:
    """Progress goes to stderr in every output mode, so stdout stays machine-readable."""
    from provisioner.cli.console import ConsoleReporter

    return ConsoleReporter()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, envvar="LAB_DEBUG", help="show tracebacks (env LAB_DEBUG)")
@click.version_option(package_name="lab-provisioner", prog_name="lab")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Stand up, verify and tear down the sandboxes of the AI-infrastructure curriculum.

    State lives under LAB_HOME (default: $XDG_STATE_HOME/lab). Exit codes: 0 ok, 1 a check
    failed, 2 usage or definition error, 3 provisioning error, 130 interrupted.
    """
    ctx.obj = {"debug": debug}


@cli.command("list")
@OUTPUT
def list_(output: str) -> None:
    """List the labs of the catalog."""
    from provisioner.definitions.catalog import summaries

    rows = summaries()
    if output == "json":
        return emit_json(rows)
    for r in rows:
        click.echo(f"{r['id']:<12} {r['backend']:<7} {r['hours']!s:>5}h  {r['title']}")


@cli.command()
@click.argument("lab_id")
@click.option("--secrets", is_flag=True, help="also show the generated credentials of its instances")
@OUTPUT
def show(lab_id: str, secrets: bool, output: str) -> None:
    """Show a lab: sandbox, exercises and instances."""
    from provisioner.lifecycle.inventory import show as show_lab

    data = show_lab(lab_id, secrets=secrets)
    if output == "json":
        return emit_json(data)
    from provisioner.cli.console import render_lab

    click.echo(render_lab(data))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
def validate(paths: tuple[str, ...]) -> None:
    """Validate lab definitions (default: the whole catalog); every problem at once."""
    from provisioner.definitions.files import validate_paths

    count = validate_paths(list(paths))
    click.echo(f"{count} definition{'s' if count != 1 else ''} valid")


@cli.command()
@click.option("--fix", is_flag=True, help="install and start what is missing, where that can be done safely")
@OUTPUT
def doctor(fix: bool, output: str) -> None:
    """Check this machine: Docker engine, Terraform, providers, Ansible, images."""
    from provisioner.lifecycle.doctor import diagnose

    rows = diagnose(fix=fix)
    if output == "json":
        emit_json(rows)
    else:
        for r in rows:
            mark = "ok  " if r["ok"] else ("skip" if r.get("optional") else "FAIL")
            click.echo(f"[{mark}] {r['name']}: {r['detail']}" + ("" if r["ok"] else f"\n       fix: {r['fix']}"))
    if any(not r["ok"] and not r.get("optional") for r in rows):
        sys.exit(EXIT_INFRA)


@cli.command()
@click.argument("lab_id")
@INSTANCE
@click.option("--keep", is_flag=True, help="keep the sandbox when a step fails, for debugging")
@click.option("--student", default=None, help="student id recorded on every resource")
@click.option("--ttl", default=None, help="expiry, e.g. 8h or 30m (removed by `lab gc --expired`)")
@OUTPUT
def up(lab_id: str, instance: str, keep: bool, student: str | None, ttl: str | None, output: str) -> None:
    """Create a lab's sandbox and wait until it answers its checks."""
    from provisioner.core.timeparse import parse_duration
    from provisioner.lifecycle.ops import up as do_up
    from provisioner.lifecycle.steps import Options

    options = Options(keep=keep, student=student, ttl_seconds=parse_duration(ttl) if ttl else None)
    result = do_up(lab_id, instance, options, reporter(output))
    if output == "json":
        return emit_json(
            {
                "lab": result.lab,
                "instance": result.instance,
                "state": "ready",
                "noop": result.noop,
                "seconds": result.seconds,
                "endpoints": result.endpoints,
                "unavailable": result.unavailable,
            }
        )
    from provisioner.cli.console import access_sheet

    click.echo(access_sheet(result))


@cli.command()
@click.argument("lab_id")
@INSTANCE
@click.option("--junit", type=click.Path(dir_okay=False), default=None, help="also write JUnit XML here")
@OUTPUT
def verify(lab_id: str, instance: str, junit: str | None, output: str) -> None:
    """Run a lab's readiness checks against a running sandbox (exit 1 if any fails).

    Checks of an optional component that is unavailable here (e.g. Grafana offline) are shown as
    UNAVAILABLE, never passed, and do not change the exit code."""
    from provisioner.lifecycle.ops import verify as do_verify

    outcome = do_verify(lab_id, instance, reporter(output))
    results = outcome.checks
    if junit:
        from provisioner.checks.junit import from_checks, write_junit

        write_junit(junit, {lab_id: from_checks("verify", results)})
    if output == "json":
        emit_json(
            {
                "lab": lab_id,
                "instance": instance,
                "passed": outcome.passed,
                "unavailable": outcome.unavailable,
                "checks": [r.as_dict() for r in results],
                "diagnostics": outcome.diagnostics,
            }
        )
    else:
        for r in results:
            mark = "PASS" if r.passed else ("UNAVAILABLE" if r.extra.get("unavailable") else "FAIL")
            click.echo(f"{mark}  {r.name}" + ("" if r.passed else f"\n      {r.message}"))
        for name, why in outcome.unavailable.items():  # optional components: reported, never passed
            click.echo(f"UNAVAILABLE {name}: {why}")
    if outcome.diagnostics:
        click.echo(f"diagnostics: {outcome.diagnostics}", err=True)
    if not outcome.passed:
        sys.exit(1)


@cli.command()
@click.argument("lab_id")
@INSTANCE
@OUTPUT
def down(lab_id: str, instance: str, output: str) -> None:
    """Remove a lab's sandbox: works after a crash, partial state or an edited definition."""
    from provisioner.lifecycle.ops import down as do_down

    removed = do_down(lab_id, instance, reporter(output))
    if output == "json":
        return emit_json({"lab": lab_id, "instance": instance, "removed": removed})
    click.echo(f"removed {lab_id} ({instance})" if removed else f"nothing to remove for {lab_id} ({instance})")


@cli.command("check")
@click.argument("lab_id")
@click.argument("exercises", nargs=-1)
@INSTANCE
@OUTPUT
def check_cmd(lab_id: str, exercises: tuple[str, ...], instance: str, output: str) -> None:
    """Check exercises (default: all): passed, or failed with a hint. Exit 1 if any failed."""
    from provisioner.exercises.run import check

    results = check(lab_id, list(exercises), instance, reporter(output))
    if output == "json":
        emit_json({"lab": lab_id, "instance": instance, "exercises": [r.as_dict() for r in results]})
    else:
        for r in results:
            click.echo(f"{'PASS' if r.passed else 'FAIL'}  {r.id}: {r.title}")
            for c in r.checks:
                if not c.passed:
                    click.echo(f"      {c.name}: {c.message}")
            if not r.passed:
                click.echo(f"      hint: {r.hint.strip()}")
        click.echo(f"{sum(r.passed for r in results)}/{len(results)} exercises done")
    if not all(r.passed for r in results):
        sys.exit(1)


@cli.command()
@click.argument("lab_id")
@click.argument("exercises", nargs=-1)
@INSTANCE
def solve(lab_id: str, exercises: tuple[str, ...], instance: str) -> None:
    """Apply the reference solution of exercises (default: all) to the sandbox."""
    from provisioner.exercises.run import solve as do_solve

    for ex in do_solve(lab_id, list(exercises), instance, reporter("table")):
        click.echo(f"solved {ex}")


@cli.command()
@click.argument("lab_ids", nargs=-1)
@click.option("--all", "all_labs", is_flag=True, help="every lab of the catalog")
@click.option("-j", "--jobs", default=1, show_default=True, help="labs run in parallel")
@click.option("--junit", type=click.Path(dir_okay=False), default=None, help="write JUnit XML here")
@click.option("--keep-on-failure", is_flag=True, help="leave a failed lab's sandbox for debugging")
@OUTPUT
def smoke(
    lab_ids: tuple[str, ...], all_labs: bool, jobs: int, junit: str | None, keep_on_failure: bool, output: str
) -> None:
    """Smoke-test labs: up, checks fail before solve and pass after, down. Exit 0 only if none failed."""
    from provisioner.cli.console import ConsoleReporter
    from provisioner.definitions.catalog import resolve, summaries
    from provisioner.lifecycle.smoke import smoke as run_smoke

    if not lab_ids and not all_labs:
        raise click.UsageError("name labs or pass --all")
    ids = [s["id"] for s in summaries()] if all_labs else [resolve(i).parent.name for i in lab_ids]
    runs = run_smoke(ids, jobs, keep_on_failure, lambda lab_id: ConsoleReporter(prefix=lab_id))
    if junit:
        from provisioner.checks.junit import write_junit

        write_junit(junit, {r.lab: r.cases for r in runs})
    if output == "json":
        emit_json(
            [
                {
                    "lab": r.lab,
                    "status": r.status,
                    "reason": r.reason,
                    "seconds": r.seconds,
                    "diagnostics": r.diagnostics,
                    "cases": [c.__dict__ for c in r.cases],
                }
                for r in runs
            ]
        )
    else:
        for r in runs:
            click.echo(f"{r.status.upper():<8} {r.lab:<12} {r.seconds:6.1f}s  {r.reason}")
            for c in r.cases:
                if not c.passed and not c.skipped:
                    click.echo(f"         {c.name}: {c.message}")
            if r.diagnostics:
                click.echo(f"         diagnostics: {r.diagnostics}")
        counts = {s: sum(r.status == s for r in runs) for s in ("passed", "failed", "skipped")}
        click.echo(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    if any(r.status == "failed" for r in runs):
        sys.exit(1)


@cli.command()
@OUTPUT
def status(output: str) -> None:
    """One entry per instance: lab, instance, state and endpoints."""
    from provisioner.lifecycle.inventory import status as all_status

    rows = all_status()
    if output == "json":
        return emit_json(rows)
    if not rows:
        click.echo("no instances")
    for r in rows:
        eps = ", ".join(f"{k}={v}" for k, v in r["endpoints"].items())
        click.echo(f"{r['lab']:<12} {r['instance']:<12} {r['state']:<10} {eps}")


@cli.command()
@click.option("--check", "check_only", is_flag=True, help="exit 1 if the committed schema is out of date")
def schema(check_only: bool) -> None:
    """Write the JSON Schema of lab definitions (schema/lab.schema.json) for editors."""
    from provisioner.definitions.schema import write_schema

    changed = write_schema(check_only=check_only)
    if check_only and changed:
        click.echo("schema/lab.schema.json is out of date: run `lab schema`", err=True)
        sys.exit(1)
    click.echo("schema/lab.schema.json " + ("updated" if changed else "up to date"))


@cli.group()
def images() -> None:
    """Build the lab images (Debian base, then one per images/ folder; cached by content hash)."""


@images.command("build")
@click.argument("lab_ids", nargs=-1)
def images_build(lab_ids: tuple[str, ...]) -> None:
    """Build the images of the given labs (default: every lab on the docker backend)."""
    from provisioner.lifecycle.images import build_for_labs

    for name, tag in build_for_labs(list(lab_ids), reporter("table")).items():
        click.echo(f"{name:<20} {tag}")


@cli.command()
@click.option("--yes", is_flag=True, help="remove what is found (default: only list it)")
@click.option("--expired", is_flag=True, help="also tear down instances whose --ttl has run out")
@click.option("--images", "old_images", is_flag=True, help="also superseded lab images (content changed)")
@OUTPUT
def gc(yes: bool, expired: bool, old_images: bool, output: str) -> None:
    """List (and with --yes remove) labelled resources whose instance no longer exists."""
    from provisioner.lifecycle import gc as collector
    from provisioner.lifecycle.ops import down as do_down

    found, old = collector.orphans(), collector.expired() if expired else []
    stale = collector.stale_images() if old_images else []
    if yes:
        for row in old:
            do_down(row["lab"], row["instance"], reporter(output))
        collector.remove(found)
        collector.remove_images(stale)
    if output == "json":
        return emit_json({"orphans": found, "expired": old, "stale_images": stale, "removed": yes})
    for ref in stale:
        click.echo(f"image      {ref}")
    for item in found:
        click.echo(f"{item['kind']:<10} {item['id'][:20]:<20} instance {item['instance'] or '?'}")
    for row in old:
        click.echo(f"expired    {row['lab']} ({row['instance']})")
    verb = "removed" if yes else "found (use --yes to remove)"
    click.echo(f"{len(found)} orphaned resources and {len(old)} expired instances {verb}")


@cli.group()
def cohort() -> None:
    """One isolated sandbox per student of a roster (CSV: student_id,name,email[,params...])."""


@cohort.command("up")
@click.argument("lab_id")
@click.option("--roster", required=True, type=click.Path(exists=True, dir_okay=False), help="CSV roster")
@click.option("-j", "--jobs", default=2, show_default=True, help="students provisioned in parallel")
@click.option("--ttl", default=None, help="expiry of each sandbox, e.g. 8h (see `lab gc --expired`)")
@click.option("--force", is_flag=True, help="provision even if the capacity estimate says it will not fit")
@click.option("--prune", is_flag=True, help="remove sandboxes of students no longer on the roster")
@OUTPUT
def cohort_up(lab_id: str, roster: str, jobs: int, ttl: str | None, force: bool, prune: bool, output: str) -> None:
    """Provision every student whose sandbox is missing or failed (finished ones are left alone)."""
    from pathlib import Path

    from provisioner.cli.console import ConsoleReporter
    from provisioner.cohort import run as co
    from provisioner.core.timeparse import parse_duration

    outcomes, removed = co.up(
        lab_id, Path(roster), jobs, parse_duration(ttl) if ttl else None, force, lambda sid: ConsoleReporter(prefix=sid)
    )
    if prune and removed:
        co.down(lab_id, removed, jobs, lambda sid: ConsoleReporter(prefix=sid))
    if output == "json":
        emit_json(
            {"lab": lab_id, "students": [o.__dict__ for o in outcomes], "not_on_roster": removed, "pruned": prune}
        )
    else:
        for o in outcomes:
            click.echo(f"{o.status:<8} {o.student:<16} {o.seconds:6.1f}s  {o.error}")
        if removed:
            verb = "removed" if prune else "not on the roster any more (run again with --prune to remove)"
            click.echo(f"{', '.join(removed)}: {verb}")
    if any(o.status == "failed" for o in outcomes):
        sys.exit(EXIT_INFRA)


@cohort.command("status")
@click.argument("lab_id")
@OUTPUT
def cohort_status(lab_id: str, output: str) -> None:
    """One row per student: state, endpoints, exercise progress, age."""
    from provisioner.cohort import run as co

    rows = co.status(lab_id)
    if output == "json":
        return emit_json(rows)
    for r in rows:
        eps = ", ".join(f"{k}={v}" for k, v in r["endpoints"].items())
        age = f"{(r['age_seconds'] or 0) / 60:.0f}m"
        click.echo(f"{r['student']:<16} {r['state']:<8} {r['exercises_passed']} done  {age:>5}  {eps}")


@cohort.command("check")
@click.argument("lab_id")
@click.option("--out", default=".", show_default=True, type=click.Path(file_okay=False), help="folder for grades")
@click.option("-j", "--jobs", default=2, show_default=True)
def cohort_check(lab_id: str, out: str, jobs: int) -> None:
    """Run every student's exercise checks; write grades.csv and grades.json."""
    from pathlib import Path

    from provisioner.cohort.grading import grade

    for r in grade(lab_id, Path(out), jobs):
        click.echo(f"{r['student']:<16} {r['state']:<12} {r['passed']}/{r['total']}")
    click.echo(f"grades written to {Path(out) / 'grades.csv'} and grades.json")


@cohort.command("handout")
@click.argument("lab_id")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="folder for the access sheets")
def cohort_handout(lab_id: str, out: str) -> None:
    """Write one access sheet per student (Markdown and HTML, mode 0600): endpoints, credentials."""
    from pathlib import Path

    from provisioner.cohort.grading import handouts

    written = handouts(lab_id, Path(out))
    click.echo(f"{len(written) // 2} access sheets written to {out}")


@cohort.command("down")
@click.argument("lab_id")
@click.option("-j", "--jobs", default=2, show_default=True)
def cohort_down(lab_id: str, jobs: int) -> None:
    """Remove every student's sandbox of this lab."""
    from provisioner.cli.console import ConsoleReporter
    from provisioner.cohort import run as co

    removed = co.down(lab_id, None, jobs, lambda sid: ConsoleReporter(prefix=sid))
    click.echo(f"removed {len(removed)} sandboxes of {lab_id}")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("lab_id")
@INSTANCE
@click.option("--host", default=None, help="the VM to log in to (default: the lab's first)")
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def shell(lab_id: str, instance: str, host: str | None, command: tuple[str, ...]) -> None:
    """Log in to a VM sandbox over SSH, or run COMMAND in it: lab shell mod-002 [-- CMD ...]."""
    import os

    from provisioner.backends.vm.backend import shell_argv

    argv = shell_argv(lab_id, instance, host, list(command), tty=not command and sys.stdin.isatty())
    sys.stdout.flush()
    os.execvp(argv[0], argv)  # noqa: S606 - an argv list from state, no shell


def main() -> None:
    """Entry point: map typed errors to one line (plus the fix) and an exit code."""
    debug = "--debug" in sys.argv[1:] or bool(__import__("os").environ.get("LAB_DEBUG"))
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted: run `lab status` to see what is left", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except LabError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        _print_error(exc)
        sys.exit(exc.exit_code)
    except Exception as exc:  # the last line of defence: one line unless --debug
        if debug:
            raise
        click.echo(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)", err=True)
        sys.exit(EXIT_INFRA)


def _print_error(exc: LabError) -> None:
    if isinstance(exc, DefinitionError):
        for problem in exc.problems:
            click.echo(problem, err=True)
        click.echo(f"error: {exc.message}", err=True)
        return
    click.echo(f"error: {exc.message}", err=True)
    if exc.fix:
        click.echo(f"  fix: {exc.fix}", err=True)
    if exc.diagnostics:
        click.echo(f"  diagnostics: {exc.diagnostics}", err=True)
