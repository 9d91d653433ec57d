"""Commands on one lab's sandbox: up, verify, reset, down, status, shell.

Core modules are imported inside each command: `lab --help` then stays fast.
"""

from __future__ import annotations

import os
import sys

import click

from provisioner.cli import output
from provisioner.cli.app import INSTANCE, OUTPUT, App, pass_app, target_of, target_options
from provisioner.cli.console import access_sheet
from provisioner.core.errors import CheckFailed


@click.command()
@click.argument("lab_id")
@INSTANCE
@click.option("--keep", is_flag=True, help="keep the sandbox when a step fails, for debugging")
@click.option("--student", default=None, help="student id recorded on every resource")
@click.option("--ttl", default=None, help="expiry, e.g. 8h or 30m (removed by `lab gc --expired`)")
@target_options
@OUTPUT
@pass_app
def up(
    app: App,
    lab_id: str,
    instance: str,
    keep: bool,
    student: str | None,
    ttl: str | None,
    target: str | None,
    kubeconfig: str | None,
    context: str | None,
) -> None:
    """Create a lab's sandbox and wait until it answers its checks."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.core.timeparse import parse_duration
    from provisioner.lifecycle.steps import Options
    from provisioner.lifecycle.up import up as do_up

    expiry = parse_duration(ttl) if ttl else None
    options = Options(keep=keep, student=student, ttl_seconds=expiry, target=target_of(target, kubeconfig, context))
    result = do_up(lab_id, instance, options, app.reporter())
    output.render(app, output.up_json(result), lambda: [access_sheet(result)])


@click.command()
@click.argument("lab_id")
@INSTANCE
@click.option("--junit", type=click.Path(dir_okay=False), default=None, help="also write JUnit XML here")
@OUTPUT
@pass_app
def verify(app: App, lab_id: str, instance: str, junit: str | None) -> None:
    """Run a lab's readiness checks against a running sandbox (exit 1 if any fails).

    Checks of an optional component that is unavailable here (e.g. Grafana offline) are shown as
    UNAVAILABLE, never passed, and do not change the exit code."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.checks.junit import from_checks, write_junit
    from provisioner.lifecycle.verify import blocking
    from provisioner.lifecycle.verify import verify as do_verify

    outcome = do_verify(lab_id, instance, app.reporter())
    if junit:
        write_junit(junit, {lab_id: from_checks("verify", outcome.checks)})
    output.render(app, output.verify_json(lab_id, instance, outcome), lambda: output.verify_lines(outcome))
    if not outcome.passed:
        failed = CheckFailed(f"{len(blocking(outcome.checks))} of {len(outcome.checks)} readiness checks failed")
        failed.diagnostics = outcome.diagnostics  # printed with the error, as for a failed `up`
        raise failed


@click.command()
@click.argument("lab_id")
@INSTANCE
@OUTPUT
@pass_app
def down(app: App, lab_id: str, instance: str) -> None:
    """Remove a lab's sandbox: works after a crash, partial state or an edited definition."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.lifecycle.down import down as do_down

    removed = do_down(lab_id, instance, app.reporter())
    data = {"lab": lab_id, "instance": instance, "removed": removed}
    output.render(app, data, lambda: [output.down_line(lab_id, instance, removed)])


@click.command()
@click.argument("lab_id")
@INSTANCE
@OUTPUT
@pass_app
def reset(app: App, lab_id: str, instance: str) -> None:
    """Start a sandbox over: its containers and volumes made again from the images, as `up` left
    them (same ports and passwords). Everything changed inside the sandbox is lost."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.lifecycle.reset import reset as do_reset

    result = do_reset(lab_id, instance, app.reporter())
    output.render(app, output.up_json(result), lambda: [access_sheet(result)])


@click.command()
@OUTPUT
@pass_app
def status(app: App) -> None:
    """One entry per instance: lab, instance, state and endpoints."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.lifecycle.inventory import status as all_status

    rows = all_status()
    output.render(app, rows, lambda: output.instance_rows(rows))


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("lab_id")
@INSTANCE
@click.option("--host", default=None, help="the VM or container to log in to (default: the lab's first)")
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def shell(lab_id: str, instance: str, host: str | None, command: tuple[str, ...]) -> None:
    """Log in to a sandbox (SSH into a VM, a shell in a container), or run COMMAND in it: lab shell LAB [-- CMD ...]."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.backends import shell_argv

    argv = shell_argv(lab_id, instance, host, list(command), tty=not command and sys.stdin.isatty())
    sys.stdout.flush()
    os.execvp(argv[0], argv)  # noqa: S606 - an argv list from state, no shell


COMMANDS = [up, verify, reset, down, status, shell]
