"""Commands about lab definitions: list, show, validate, schema.

Core modules are imported inside each command: `lab --help` then stays fast.
"""

from __future__ import annotations

import click

from provisioner.cli import output
from provisioner.cli.app import OUTPUT, App, pass_app
from provisioner.cli.console import render_lab
from provisioner.core.errors import CheckFailed


@click.command("list")
@OUTPUT
@pass_app
def list_(app: App) -> None:
    """List the labs of the catalog."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.definitions.catalog import summaries

    rows = summaries()
    output.render(app, rows, lambda: output.lab_rows(rows))


@click.command()
@click.argument("lab_id")
@click.option("--secrets", is_flag=True, help="also show the generated credentials of its instances")
@OUTPUT
@pass_app
def show(app: App, lab_id: str, secrets: bool) -> None:
    """Show a lab: sandbox, exercises and instances."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.lifecycle.inventory import show as show_lab

    data = show_lab(lab_id, secrets=secrets)
    output.render(app, data, lambda: [render_lab(data)])


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
def validate(paths: tuple[str, ...]) -> None:
    """Validate lab definitions (default: the whole catalog); every problem at once."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.definitions.files import validate_paths

    count = validate_paths(list(paths))
    click.echo(f"{count} definition{'s' if count != 1 else ''} valid")


@click.command()
@click.option("--check", "check_only", is_flag=True, help="exit 1 if the committed schema is out of date")
def schema(check_only: bool) -> None:
    """Write the JSON Schema of lab definitions (schema/lab.schema.json) for editors."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.definitions.schema import write_schema

    changed = write_schema(check_only=check_only)
    if check_only and changed:
        raise CheckFailed("schema/lab.schema.json is out of date", "run `lab schema`")
    click.echo("schema/lab.schema.json " + ("updated" if changed else "up to date"))


COMMANDS = [list_, show, validate, schema]
