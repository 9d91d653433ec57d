"""`lab cohort`: one isolated sandbox per student of a roster, provisioned, graded and removed together.

Core modules are imported inside each command: `lab --help` then stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from provisioner.cli import output
from provisioner.cli.app import OUTPUT, App, pass_app, target_of, target_options
from provisioner.core.errors import InfraError


@click.group()
def cohort() -> None:
    """One isolated sandbox per student of a roster (CSV: student_id,name,email[,params...])."""


@cohort.command("up")
@click.argument("lab_id")
@click.option("--roster", required=True, type=click.Path(exists=True, dir_okay=False), help="CSV roster")
@click.option("-j", "--jobs", default=2, show_default=True, help="students provisioned in parallel")
@click.option("--ttl", default=None, help="expiry of each sandbox, e.g. 8h (see `lab gc --expired`)")
@click.option("--force", is_flag=True, help="provision even if the capacity estimate says it will not fit")
@click.option("--prune", is_flag=True, help="remove sandboxes of students no longer on the roster")
@target_options
@OUTPUT
@pass_app
def cohort_up(
    app: App,
    lab_id: str,
    roster: str,
    jobs: int,
    ttl: str | None,
    force: bool,
    prune: bool,
    target: str | None,
    kubeconfig: str | None,
    context: str | None,
) -> None:
    """Provision every student whose sandbox is missing or failed (finished ones are left alone)."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.cohort import run as co
    from provisioner.core.timeparse import parse_duration

    expiry = parse_duration(ttl) if ttl else None
    where = target_of(target, kubeconfig, context)
    outcomes, removed = co.up(lab_id, Path(roster), jobs, expiry, force, app.reporter, prune=prune, target=where)
    data = {"lab": lab_id, "students": [o.__dict__ for o in outcomes], "not_on_roster": removed, "pruned": prune}
    output.render(app, data, lambda: output.cohort_up_lines(outcomes, removed, prune))
    failed = [o.student for o in outcomes if o.status == "failed"]
    if failed:
        # The same target again: a student never started has no state that records it.
        flags = f" --target {target} --kubeconfig {kubeconfig}" + (f" --context {context}" if context else "")
        command = f"lab cohort up {lab_id} --roster {roster}{flags if target else ''}"
        again = f"run `{command}` again: only missing or failed students are retried"
        raise InfraError(f"{len(failed)} of {len(outcomes)} students failed: {', '.join(failed)}", again)


@cohort.command("status")
@click.argument("lab_id")
@OUTPUT
@pass_app
def cohort_status(app: App, lab_id: str) -> None:
    """One row per student: state, endpoints, exercise progress, age."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.cohort import run as co

    rows = co.status(lab_id)
    output.render(app, rows, lambda: output.student_rows(rows))


@cohort.command("check")
@click.argument("lab_id")
@click.option("--out", default=".", show_default=True, type=click.Path(file_okay=False), help="folder for grades")
@click.option("-j", "--jobs", default=2, show_default=True)
def cohort_check(lab_id: str, out: str, jobs: int) -> None:
    """Run every student's exercise checks; write grades.csv and grades.json."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.cohort.grading import grade

    for r in grade(lab_id, Path(out), jobs):
        click.echo(f"{r['student']:<16} {r['state']:<12} {r['passed']}/{r['total']}")
    click.echo(f"grades written to {Path(out) / 'grades.csv'} and grades.json")


@cohort.command("handout")
@click.argument("lab_id")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="folder for the access sheets")
def cohort_handout(lab_id: str, out: str) -> None:
    """Write one access sheet per student (Markdown and HTML, mode 0600): endpoints, credentials."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.cohort.grading import handouts

    written = handouts(lab_id, Path(out))
    click.echo(f"{len(written) // 2} access sheets written to {out}")


@cohort.command("down")
@click.argument("lab_id")
@click.option("-j", "--jobs", default=2, show_default=True)
@pass_app
def cohort_down(app: App, lab_id: str, jobs: int) -> None:
    """Remove every student's sandbox of this lab."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.cohort import run as co

    removed = co.down(lab_id, None, jobs, app.reporter)
    click.echo(f"removed {len(removed)} sandboxes of {lab_id}")


@cohort.command("serve")
@click.argument("lab_id")
@click.option("--bind", default="127.0.0.1", show_default=True, help="address to listen on (others need a token)")
@click.option("--port", default=8765, show_default=True, help="port (0: any free one)")
# A check of a database lab's sandbox costs about 4 CPU seconds (bench/dashboard.py): 20 of them
# every minute keep two cores busy. A learner's own `lab check` shows on the page within seconds.
@click.option(
    "--interval",
    default="5m",
    show_default=True,
    help="time between two checks of every sandbox (0s: only when asked from the page)",
)
@click.option("--token-file", type=click.Path(dir_okay=False), help="the token (16+ characters) instead of a new one")
def cohort_serve(lab_id: str, bind: str, port: int, interval: str, token_file: str | None) -> None:
    """A live page of the class: students x exercises, sandbox states, actions (Ctrl-C stops)."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.core.timeparse import parse_duration
    from provisioner.dashboard.serve import Served, serve

    def ready(served: Served) -> None:
        click.echo(f"the class of {lab_id}: {served.url}", err=True)
        click.echo(f"actions are logged to {served.log}; Ctrl-C stops", err=True)

    def stopping(busy: dict[str, str]) -> None:
        if busy:
            running = ", ".join(f"{student}: {activity}" for student, activity in sorted(busy.items()))
            click.echo(f"stopping: letting what runs finish ({running})", err=True)

    serve(lab_id, bind, port, parse_duration(interval), Path(token_file) if token_file else None, ready, stopping)
