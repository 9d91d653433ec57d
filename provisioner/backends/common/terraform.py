"""A small Terraform/OpenTofu wrapper over the CLI's -json machine output."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from provisioner.backends.common import tflock
from provisioner.core import deadlines, paths
from provisioner.core.errors import CommandError, DeadlineExceeded, InfraError, UsageError
from provisioner.core.proc import run as default_run
from provisioner.core.redact import redact
from provisioner.core.state import write_private

Event = dict[str, Any]
PRIVATE = 0o077  # state and its backups hold the containers' environment, passwords included
LOCK_TIMEOUT = "-lock-timeout=120s"  # a killed `lab up` may leave Terraform finishing its apply


def find_binary() -> str:
    """LAB_TERRAFORM names the binary; otherwise terraform, then tofu, from PATH."""
    wanted = os.environ.get("LAB_TERRAFORM")
    for name in [wanted] if wanted else ["terraform", "tofu"]:
        if found := shutil.which(name):
            return found
    raise InfraError(
        f"{wanted or 'terraform (or tofu)'} not found on PATH",
        "install Terraform or OpenTofu, or set LAB_TERRAFORM to the binary",
    )


MIRROR_URL_ENV = "LAB_PROVIDER_MIRROR_URL"


def mirror_url() -> str | None:
    """The provider network mirror a class or CI serves (scripts/pack-provider-mirror), or None."""
    url = os.environ.get(MIRROR_URL_ENV, "").strip()
    if url and not url.startswith("https://"):
        raise UsageError(f"{MIRROR_URL_ENV}={url!r} is not an https:// URL", "Terraform reads mirrors over HTTPS only")
    return url.rstrip("/") + "/" if url else None


INCLUDE = 'include = ["registry.terraform.io/*/*"]'


def cli_config(mirror: Path, cache: Path, network: str | None = None) -> str:
    """Providers come from a network mirror when one is named, else offline from the filesystem
    mirror, else from the registry. The shared plugin cache makes each instance's copy a symlink
    instead of a 76 MB file."""
    head = f'plugin_cache_dir = "{cache}"\n'
    if network:
        source = f'  network_mirror {{\n    url     = "{network}"\n    {INCLUDE}\n  }}\n'
    elif mirror.is_dir():
        source = f'  filesystem_mirror {{\n    path    = "{mirror}"\n    {INCLUDE}\n  }}\n'
    else:
        return head + "provider_installation {\n  direct {}\n}\n"
    direct = '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n'
    return head + "provider_installation {\n" + source + direct + "}\n"


class Terraform:
    """Runs one working directory; every call goes through the subprocess chokepoint."""

    def __init__(
        self,
        workdir: Path,
        *,
        binary: str | None = None,
        on_event: Callable[[Event], None] | None = None,
        run: Callable[..., Any] = default_run,
    ) -> None:
        self.workdir = workdir
        self.binary = binary or find_binary()
        self.on_event = on_event or (lambda _e: None)
        self.run = run
        self.diagnostics: list[Event] = []
        # The values of the last run's outputs, from its own `outputs` message: no second
        # Terraform process (`terraform output`) after an apply.
        self.applied_outputs: dict[str, Any] | None = None

    def config_text(self) -> str:
        return cli_config(paths.provider_mirror(), paths.lab_home() / "plugin-cache", mirror_url())

    def env(self) -> dict[str, str]:
        config = paths.lab_home() / "terraform.rc"
        text = self.config_text()
        if not config.exists() or config.read_text() != text:
            (paths.lab_home() / "plugin-cache").mkdir(parents=True, exist_ok=True)
            write_private(config, text)
        return os.environ | {
            "TF_CLI_CONFIG_FILE": str(config),
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            "TF_INPUT": "0",
        }

    def argv(self, *args: str) -> list[str]:
        return [self.binary, f"-chdir={self.workdir}", *args]

    def init(self) -> None:
        # Terraform's shared plugin cache is not safe for concurrent inits: two instances
        # initialising at once (cohorts, smoke -j) fail with 'file exists'. Init takes ~0.2 s.
        # Init then detaches this working directory from the cache (own hard links), so another
        # instance's init rewriting the cache cannot pull a provider from under a running apply.
        paths.lab_home().mkdir(parents=True, exist_ok=True, mode=0o700)
        with (paths.lab_home() / "plugin-cache.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            argv = self.argv("init", "-input=false", "-no-color", LOCK_TIMEOUT)
            self._run(argv, deadlines.INIT.seconds(), json_events=False)
            detach_providers(self.workdir / ".terraform" / "providers")
            with contextlib.suppress(FileNotFoundError):  # a module without providers has none
                (self.workdir / ".terraform.lock.hcl").chmod(0o600)  # Terraform writes it 0644

    def apply(self, timeout: float, replace: list[str] | None = None) -> None:
        forced = [f"-replace={address}" for address in replace or []]
        self._run(self.argv("apply", "-input=false", "-auto-approve", "-json", LOCK_TIMEOUT, *forced), timeout)

    def destroy(self, timeout: float) -> None:
        self._run(self.argv("destroy", "-input=false", "-auto-approve", "-json", LOCK_TIMEOUT), timeout)

    def output(self) -> dict[str, Any]:
        """Output values: what the apply just reported, else read by `terraform output`."""
        if self.applied_outputs is not None:
            return self.applied_outputs
        timeout = deadlines.OUTPUT.seconds()
        result = self.run(self.argv("output", "-json"), env=self.env(), timeout=timeout, umask=PRIVATE)
        return {k: v.get("value") for k, v in json.loads(result.stdout or "{}").items()}

    def addresses(self, types: frozenset[str]) -> list[str]:
        """Addresses of the managed resources of these types in the state, e.g.
        `docker_container.component["api"]`, read from the state file (no Terraform run)."""
        try:
            resources = json.loads((self.workdir / "terraform.tfstate").read_text()).get("resources", [])
        except (OSError, ValueError):
            return []
        return [
            _address(r, i.get("index_key"))
            for r in resources
            if r.get("mode") == "managed" and r.get("type") in types
            for i in r.get("instances", [])
        ]

    def has_state(self) -> bool:
        state = self.workdir / "terraform.tfstate"
        try:
            return bool(json.loads(state.read_text()).get("resources"))
        except (OSError, ValueError):
            return False

    def _run(self, argv: list[str], timeout: float, json_events: bool = True) -> None:
        self.diagnostics, self.applied_outputs = [], None
        handler = self._on_line if json_events else self._on_init_line
        verb = argv[2]

        def beat(elapsed: float) -> None:
            self._say(f"terraform {verb}: still running after {elapsed:.0f} s (stopped at {timeout:.0f} s)")

        try:
            # outlive: were lab killed, Terraform still finishes, records what it made, stops its
            # provider, and holds the working directory's lock until then.
            with tflock.held(self.workdir, timeout, self._say) as lock:
                self.run(
                    argv,
                    env=self.env(),
                    on_line=handler,
                    timeout=timeout,
                    heartbeat=beat,
                    umask=PRIVATE,
                    outlive=True,
                    holding=lock,
                )
        except DeadlineExceeded:
            raise
        except CommandError as exc:
            raise self._explain(exc) from exc

    def _say(self, text: str) -> None:
        self.on_event({"type": "log", "@message": text})

    def _on_init_line(self, line: str) -> None:
        # init's text is mostly advice for humans at a shell; keep what was installed and errors.
        if line.lstrip().startswith(("- Install", "- Using", "Error")):
            self.on_event({"type": "log", "@message": line.strip()})

    def _on_line(self, line: str) -> None:
        try:
            event = json.loads(line)
        except ValueError:
            event = {"type": "log", "@message": line}
        if event.get("type") == "diagnostic":
            self.diagnostics.append(event)
        if event.get("type") == "outputs":
            self._outputs(event.get("outputs") or {})
        self.on_event(event)

    def _outputs(self, outputs: dict[str, Any]) -> None:
        # The plan announces outputs without values, the applied state with them; a sensitive
        # output never carries its value here, so then `terraform output` reads them all.
        if all("value" in o for o in outputs.values()) and not any(o.get("action") for o in outputs.values()):
            self.applied_outputs = {name: o["value"] for name, o in outputs.items()}

    def _explain(self, exc: CommandError) -> InfraError:
        """Prefer Terraform's own first error diagnostic over the raw exit code."""
        errors = [d.get("diagnostic", {}) for d in self.diagnostics if d.get("@level") == "error"]
        if not errors:
            return exc
        first = errors[0]
        where = first.get("address") or (first.get("range") or {}).get("filename", "")
        text = f"terraform: {first.get('summary', 'failed')}" + (f" ({where})" if where else "")
        detail = " ".join(str(first.get("detail", "")).split())[:300]
        error = InfraError(redact(f"{text}: {detail}" if detail else text), exc.fix)
        error.__cause__ = exc
        return error


def _address(resource: dict[str, Any], key: str | int | None) -> str:
    base = ".".join(filter(None, [resource.get("module"), resource["type"], resource["name"]]))
    return base if key is None else f"{base}[{json.dumps(key)}]"


def detach_providers(providers: Path) -> None:
    """Replace each provider link into the shared plugin cache by a folder of hard links (same
    filesystem: no copy), so this working directory never depends on the cache again."""
    if not providers.is_dir():
        return
    for link in [p for p in providers.rglob("*") if p.is_symlink()]:
        target = link.resolve()
        if not target.is_dir():
            continue
        staging = link.with_name(f".{link.name}.detach")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(target, staging, copy_function=link_or_copy)
        link.unlink()
        staging.rename(link)


def link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
