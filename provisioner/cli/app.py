"""What every command shares: the settings the root group keeps in ctx.obj, and the common options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from provisioner.cli.console import ConsoleReporter
from provisioner.core.report import Reporter

if TYPE_CHECKING:
    from provisioner.lifecycle.steps import Target


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


def target_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--target, --kubeconfig, --context: where `up` places a sandbox; recorded in its state, so
    `down`, `verify`, `check`, `status` and `shell` never need them."""
    for option in (
        click.option("--context", default=None, help="the kubeconfig's context (default: its current one)"),
        click.option(
            "--kubeconfig",
            type=click.Path(exists=True, dir_okay=False),
            default=None,
            help="the cluster admin's kubeconfig (with --target kubernetes)",
        ),
        click.option(
            "--target",
            type=click.Choice(["kubernetes"]),
            default=None,
            help="put a container lab's sandbox on an existing cluster, one namespace per instance",
        ),
    ):
        command = option(command)
    return command


def target_of(target: str | None, kubeconfig: str | None, context: str | None) -> Target | None:
    """The options as one Target, or None (the lab's own backend); a half-given one is refused."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.core.errors import UsageError
    from provisioner.lifecycle.steps import Target

    if target is None and (kubeconfig or context):
        raise UsageError("--kubeconfig and --context go with --target", "add --target kubernetes, or leave them out")
    if target is None:
        return None
    if kubeconfig is None:
        raise UsageError(
            f"--target {target} needs the cluster's kubeconfig", "add --kubeconfig PATH (and --context NAME)"
        )
    return Target(target, str(Path(kubeconfig).resolve()), context)
