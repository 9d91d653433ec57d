"""The `lab` command: the root group, its global options, and the one place errors become exit codes.

The commands live in one module per group (labs, sandbox, exercises, smoke, cohort, maintenance);
they print through provisioner.cli.output and raise typed errors, never exit themselves.
"""

from __future__ import annotations

import traceback
from typing import Any

import click

from provisioner.cli import cohort, exercises, labs, maintenance, sandbox, smoke
from provisioner.cli.app import App
from provisioner.core.errors import EXIT_INFRA, EXIT_INTERRUPTED, DefinitionError, LabError


class LabGroup(click.Group):
    """The root group: maps whatever a command raises to one line (plus the fix) and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.Abort:
            raise _exit("interrupted", EXIT_INTERRUPTED) from None
        except (click.ClickException, click.exceptions.Exit):
            raise  # usage errors and --help: click prints them and exits with their code
        except KeyboardInterrupt:
            raise _exit("interrupted: run `lab status` to see what is left", EXIT_INTERRUPTED) from None
        except LabError as exc:
            if ctx.ensure_object(App).debug:
                traceback.print_exc()
            _print_error(exc)
            raise click.exceptions.Exit(exc.exit_code) from None
        except Exception as exc:  # the last line of defence: one line unless --debug
            if ctx.ensure_object(App).debug:
                raise
            raise _exit(
                f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)", EXIT_INFRA
            ) from None


@click.group(cls=LabGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, envvar="LAB_DEBUG", help="show tracebacks (env LAB_DEBUG)")
@click.version_option(package_name="lab-provisioner", prog_name="lab")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Stand up, verify and tear down the sandboxes of the AI-infrastructure curriculum.

    State lives under LAB_HOME (default: $XDG_STATE_HOME/lab). Exit codes: 0 ok, 1 a check
    failed, 2 usage or definition error, 3 provisioning error, 130 interrupted.
    """
    ctx.ensure_object(App).debug = debug


for _command in [*labs.COMMANDS, *sandbox.COMMANDS, *exercises.COMMANDS, *maintenance.COMMANDS]:
    cli.add_command(_command)
cli.add_command(smoke.smoke)
cli.add_command(cohort.cohort)


def main() -> None:
    """Entry point of `lab`: click exits with the code LabGroup.invoke chose."""
    cli.main(obj=App())


def _exit(line: str, code: int) -> click.exceptions.Exit:
    click.echo(line, err=True)
    return click.exceptions.Exit(code)


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
