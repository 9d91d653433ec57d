"""Commands for learners: check and solve exercises.

Core modules are imported inside each command: `lab --help` then stays fast.
"""

from __future__ import annotations

import click

from provisioner.cli import output
from provisioner.cli.app import INSTANCE, OUTPUT, App, pass_app
from provisioner.core.errors import CheckFailed


@click.command("check")
@click.argument("lab_id")
@click.argument("exercises", nargs=-1)
@INSTANCE
@OUTPUT
@pass_app
def check_cmd(app: App, lab_id: str, exercises: tuple[str, ...], instance: str) -> None:
    """Check exercises (default: all): passed, or failed with a hint. Exit 1 if any failed."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.exercises.run import check

    results = check(lab_id, list(exercises), instance, app.reporter())
    data = {"lab": lab_id, "instance": instance, "exercises": [r.as_dict() for r in results]}
    output.render(app, data, lambda: output.exercise_lines(results))
    failed = sum(not r.passed for r in results)
    if failed:
        raise CheckFailed(f"{failed} of {len(results)} exercises not done yet", "see the hints above")


@click.command()
@click.argument("lab_id")
@click.argument("exercises", nargs=-1)
@INSTANCE
@pass_app
def solve(app: App, lab_id: str, exercises: tuple[str, ...], instance: str) -> None:
    """Apply the reference solution of exercises (default: all) to the sandbox."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.exercises.run import solve as do_solve

    for ex in do_solve(lab_id, list(exercises), instance, app.reporter()):
        click.echo(f"solved {ex}")


COMMANDS = [check_cmd, solve]
