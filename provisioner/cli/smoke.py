"""`lab smoke`: every lab up, its checks failing before the solutions and passing after, then down.

Core modules are imported inside the command: `lab --help` then stays fast.
"""

from __future__ import annotations

import click

from provisioner.cli import output
from provisioner.cli.app import OUTPUT, App, pass_app, target_of, target_options
from provisioner.core.errors import CheckFailed


@click.command()
@click.argument("lab_ids", nargs=-1)
@click.option("--all", "all_labs", is_flag=True, help="every lab of the catalog")
@click.option("-j", "--jobs", default=1, show_default=True, help="labs run in parallel")
@click.option("--junit", type=click.Path(dir_okay=False), default=None, help="write JUnit XML here")
@click.option("--keep-on-failure", is_flag=True, help="leave a failed lab's sandbox for debugging")
@click.option(
    "--up-only",
    "up_only",
    multiple=True,
    metavar="LAB",
    help="for this lab only up (with its readiness checks) and down; its exercises are reported as skipped",
)
@target_options
@OUTPUT
@pass_app
def smoke(
    app: App,
    lab_ids: tuple[str, ...],
    all_labs: bool,
    jobs: int,
    junit: str | None,
    keep_on_failure: bool,
    up_only: tuple[str, ...],
    target: str | None,
    kubeconfig: str | None,
    context: str | None,
) -> None:
    """Smoke-test labs: up, checks fail before solve and pass after, down. Exit 0 only if none failed."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.checks.junit import write_junit
    from provisioner.definitions.catalog import resolve, summaries
    from provisioner.lifecycle.smoke import smoke as run_smoke

    if not lab_ids and not all_labs:
        raise click.UsageError("name labs or pass --all")
    ids = [s["id"] for s in summaries()] if all_labs else [resolve(i).parent.name for i in lab_ids]
    quick = frozenset(resolve(i).parent.name for i in up_only)
    if quick - set(ids):
        raise click.UsageError(
            f"--up-only names a lab that is not smoke-tested here: {', '.join(sorted(quick - set(ids)))}"
        )
    where = target_of(target, kubeconfig, context)  # checked before any lab goes up
    runs = run_smoke(ids, jobs, keep_on_failure, app.reporter, quick, where)
    if junit:
        write_junit(junit, {r.lab: r.cases for r in runs})
    output.render(app, output.smoke_json(runs), lambda: output.smoke_lines(runs))
    failed = [r.lab for r in runs if r.status == "failed"]
    if failed:
        raise CheckFailed(f"{len(failed)} of {len(runs)} labs failed their smoke test: {', '.join(failed)}")
