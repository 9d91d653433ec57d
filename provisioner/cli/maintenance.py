"""Commands that look after the machine rather than one lab: doctor, gc, images.

Core modules are imported inside each command: `lab --help` then stays fast.
"""

from __future__ import annotations

import click

from provisioner.cli import output
from provisioner.cli.app import OUTPUT, App, pass_app
from provisioner.core.errors import InfraError, UsageError


@click.command()
@click.option("--fix", is_flag=True, help="install and start what is missing, where that can be done safely")
@OUTPUT
@pass_app
def doctor(app: App, fix: bool) -> None:
    """Check this machine: Docker engine, Terraform, providers, Ansible, images."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.lifecycle.doctor import diagnose

    rows = diagnose(fix=fix)
    if app.json:
        output.emit_json(rows)
    else:
        for r in rows:
            mark = "ok  " if r["ok"] else ("skip" if r.get("optional") else "FAIL")
            click.echo(f"[{mark}] {r['name']}: {r['detail']}" + ("" if r["ok"] else f"\n       fix: {r['fix']}"))
    failed = [r["name"] for r in rows if not r["ok"] and not r.get("optional")]
    if failed:
        how = "follow the fix of each failed check, or run `lab doctor --fix`"
        raise InfraError(f"this machine is not ready for lab: {', '.join(failed)}", how)


@click.group()
def images() -> None:
    """Build the lab images (Debian base, then one per images/ folder; cached by content hash)."""


@images.command("build")
@click.argument("lab_ids", nargs=-1)
@pass_app
def images_build(app: App, lab_ids: tuple[str, ...]) -> None:
    """Build the images of the given labs (default: every lab on the docker backend)."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.lifecycle.images import build_for_labs

    for name, tag in build_for_labs(list(lab_ids), app.reporter()).items():
        click.echo(f"{name:<20} {tag}")


@images.command("list")
@click.argument("lab_ids", nargs=-1)
@OUTPUT
@pass_app
def images_list(app: App, lab_ids: tuple[str, ...]) -> None:
    """Each image of the given labs (default: every docker lab): its tag, whether it is here
    (present, stale, missing) and, with LAB_IMAGE_REGISTRY set, in the registry."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.lifecycle.image_list import listing

    rows = listing(list(lab_ids))
    output.render(app, rows, lambda: output.image_rows(rows))


@images.command("pull")
@click.argument("lab_ids", nargs=-1)
@OUTPUT
@pass_app
def images_pull(app: App, lab_ids: tuple[str, ...]) -> None:
    """Pull the images of the given labs (default: every docker lab) from $LAB_IMAGE_REGISTRY now,
    building nothing: before a class with bad Wi-Fi."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.lifecycle.images import pull_for_labs

    _images_table(app, pull_for_labs(list(lab_ids), app.reporter()))


@images.command("push")
@click.argument("lab_ids", nargs=-1)
@click.option("--registry", envvar="LAB_IMAGE_REGISTRY", help="HOST:PORT[/prefix] (default: $LAB_IMAGE_REGISTRY)")
@OUTPUT
@pass_app
def images_push(app: App, lab_ids: tuple[str, ...], registry: str | None) -> None:
    """Build, then push the images of the given labs and their base to a registry (credentials:
    `docker login`). Machines with LAB_IMAGE_REGISTRY set pull them instead of building."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.lifecycle.images import push_for_labs

    if not registry:
        raise UsageError("no registry to push to", "pass --registry HOST:PORT or set LAB_IMAGE_REGISTRY")
    _images_table(app, push_for_labs(list(lab_ids), registry.strip("/"), app.reporter()))


def _images_table(app: App, rows: dict[str, str]) -> None:
    """image name -> tag, reference or what happens instead: JSON, or one aligned line each."""
    if app.json:
        output.emit_json(rows)
        return
    for name, value in rows.items():
        click.echo(f"{name:<20} {value}")


@click.command()
@click.option("--yes", is_flag=True, help="remove what is found (default: only list it)")
@click.option("--expired", is_flag=True, help="also tear down instances whose --ttl has run out")
@click.option("--images", "old_images", is_flag=True, help="also superseded lab images (content changed)")
@OUTPUT
@pass_app
def gc(app: App, yes: bool, expired: bool, old_images: bool) -> None:
    """List (and with --yes remove) what is left behind: resources whose instance no longer
    exists, instances a killed `lab up` or `lab down` left half done, Terraform providers kept
    for modules no sandbox has used for a day, and with the flags expired instances and
    superseded images."""
    # imported here, not at the top, to keep `lab --help` fast
    from provisioner.lifecycle.gc import collect

    found = collect(yes, expired, old_images, app.reporter())
    if app.json:
        return output.emit_json(found.as_dict())
    for ref in found.stale_images:
        click.echo(f"image      {ref}")
    for folder in found.terraform_inits:
        click.echo(f"terraform  {folder}  (providers kept for a module no sandbox uses)")
    for item in found.orphans:
        click.echo(f"{item['kind']:<10} {item['id']}  instance {item['instance'] or '?'}")
    for row in found.interrupted:
        click.echo(f"interrupted {row['lab']} ({row['instance']}): a killed `lab` left it {row['status']}")
    for row in found.expired:
        click.echo(f"expired    {row['lab']} ({row['instance']})")
    verb = "removed" if yes else "found (use --yes to remove)"
    counts = f"{len(found.orphans)} orphaned resources, {len(found.terraform_inits)} unused Terraform init(s)"
    click.echo(f"{counts}, {len(found.interrupted)} interrupted and {len(found.expired)} expired instances {verb}")


COMMANDS = [doctor, images, gc]
