"""What every command shares: the settings the root group keeps in ctx.obj, and the common options."""

from __future__ import annotations

from dataclasses import dataclass

import click

from provisioner.cli.console import ConsoleReporter
from provisioner.core.report import Reporter


@dataclass
class App:
    """The settings of one `lab` invocation, built by the root group and passed to every command."""

    debug: bool = False
    output: str = "table"

    @property
    def json(self) -> bool:
        return self.output == "json"

    def reporter(self, prefix: str = "") -> Reporter:
        """Progress goes to stderr in every output mode, so stdout stays machine-readable."""
        return ConsoleReporter(prefix=prefix)  # parallel runs (smoke, cohort) prefix each line


pass_app = click.make_pass_decorator(App, ensure=True)


def _keep_output(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    ctx.ensure_object(App).output = value  # `--output` follows the command; it still is an App setting
    return value


OUTPUT = click.option(
    "--output",
    "-o",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    expose_value=False,
    callback=_keep_output,
    help="table for people, json for scripts",
)
INSTANCE = click.option(
    "--instance", "-i", default="default", show_default=True, help="instance name (several per lab)"
)
