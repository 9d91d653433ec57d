"""What an instance leaves in libvirt and the storage root: swept by `down`, and listed by `gc`
when its instance is gone from state. Only domains whose description names this tool, this state
root and the instance count; pools, volumes and seeds are found through those domains."""

from __future__ import annotations

import shutil
from pathlib import Path

from provisioner.backends.common.ownership import home_id
from provisioner.backends.common.runner import Runner
from provisioner.backends.vm.libvirt import CONSOLE_LOG_DIR, owner, seed_dir, snapshot_dir, storage_root, virsh

Orphan = dict[str, str]
# Removal order: a domain holds its volumes, a pool must be empty before it goes.
KINDS = ("domain", "volume", "pool", "seed")


def domains_of(run: Runner, slug: str, key: str) -> list[str]:
    """The instance's domains: named after it, and carrying its key in their description."""
    names = [n for n in virsh(run, "list", "--all", "--name", check=False).split() if n.startswith(slug + "-")]
    return [n for n in names if (owner(run, n) or {}).get("instance") == key]


def sweep_libvirt(run: Runner, slug: str, key: str) -> list[str]:
    """Destroy and undefine the instance's domains, empty and remove its pool; the domain names."""
    mine = domains_of(run, slug, key)
    for name in mine:
        remove_domain(run, name)
    remove_pool(run, slug)
    return mine


def remove_domain(run: Runner, name: str) -> None:
    """Stop and undefine a domain (its disks go with its pool)."""
    virsh(run, "destroy", name, check=False)
    virsh(run, "undefine", name, "--nvram", check=False)


def remove_files(domain: str) -> None:
    """A VM's console logs, cloud-init seeds and snapshot (files libvirt does not track)."""
    for log in (f"{domain}-console.log", f"{domain}.log"):
        (CONSOLE_LOG_DIR / log).unlink(missing_ok=True)
    for kept in (f"{domain}.sav", f"{domain}-root.qcow2"):
        (snapshot_dir() / kept).unlink(missing_ok=True)
    for seed in seed_dir().glob(f"{domain}-seed-*.iso"):
        seed.unlink(missing_ok=True)


def remove_seeds(slug: str, seeds: list[Path]) -> None:
    """Seeds state names, if they are this instance's files in the seed folder."""
    for path in seeds:
        if path.parent == seed_dir() and path.name.startswith(slug + "-"):
            path.unlink(missing_ok=True)


def volumes(run: Runner, pool: str) -> list[str]:
    """Names of the volumes in a pool."""
    return [line.split()[0] for line in virsh(run, "vol-list", pool, check=False).splitlines() if line.split()]


def remove_pool(run: Runner, pool: str) -> None:
    """Empty the instance's pool, remove it and its folder."""
    if pool in virsh(run, "pool-list", "--all", "--name", check=False).split():
        for volume in volumes(run, pool):
            virsh(run, "vol-delete", volume, "--pool", pool, check=False)
        virsh(run, "pool-destroy", pool, check=False)
        virsh(run, "pool-undefine", pool, check=False)
    shutil.rmtree(storage_root() / pool, ignore_errors=True)


def orphans(run: Runner, known: set[str]) -> list[Orphan]:
    """Domains this state root made whose instance has no state, then their pools' volumes, the
    pools, and their seeds."""
    domains = _owned_domains(run, known)
    found = [_item("domain", name, key) for name, key in domains]
    pools = set(virsh(run, "pool-list", "--all", "--name", check=False).split())
    # An instance's pool is named after it, and its domains after the pool: whatever naming made them.
    owned = {(pool, key) for name, key in domains for pool in pools if name.startswith(pool + "-")}
    for pool, key in sorted(owned):
        found += [_item("volume", v, key, pool) for v in volumes(run, pool)] + [_item("pool", pool, key)]
    for name, key in domains:
        found += [_item("seed", str(p), key) for p in sorted(seed_dir().glob(f"{name}-seed-*.iso"))]
    return found


def _owned_domains(run: Runner, known: set[str]) -> list[tuple[str, str]]:
    """(domain, instance key) of the domains whose description names this state root and an
    instance not in `known`."""
    home, found = home_id(), []
    for name in virsh(run, "list", "--all", "--name", check=False).split():
        meta = owner(run, name) or {}
        if meta.get("home") == home and meta.get("instance") and meta["instance"] not in known:
            found.append((name, str(meta["instance"])))
    return found


def remove(run: Runner, found: list[Orphan]) -> None:
    """Remove what orphans() listed: domains first, then volumes, pools and seeds."""
    for item in sorted(found, key=lambda i: KINDS.index(i["kind"])):
        if item["kind"] == "domain":
            remove_domain(run, item["id"])
            remove_files(item["id"])
        elif item["kind"] == "volume":
            virsh(run, "vol-delete", item["id"], "--pool", item["pool"], check=False)
        elif item["kind"] == "pool":
            remove_pool(run, item["id"])
        elif Path(item["id"]).parent == seed_dir():
            Path(item["id"]).unlink(missing_ok=True)


def _item(kind: str, rid: str, instance: str, pool: str | None = None) -> Orphan:
    return {"backend": "vm", "kind": kind, "id": rid, "instance": instance} | ({"pool": pool} if pool else {})
