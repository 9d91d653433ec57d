"""How the CLI shows progress (stderr) and renders a lab for a terminal."""

from __future__ import annotations

import sys
import time
from typing import Any


class ConsoleReporter:
    """Plain timestamped lines: readable in a terminal and in CI logs alike."""

    def __init__(self, prefix: str = "") -> None:
        from rich.console import Console  # imported here, not at the top, to keep `lab --help` fast

        self.console = Console(stderr=True, highlight=False, soft_wrap=True)
        self.started = time.monotonic()
        self.prefix = f"[cyan]{prefix}[/cyan] " if prefix else ""  # parallel runs interleave

    def _stamp(self) -> str:
        return f"{self.prefix}[dim]{time.monotonic() - self.started:6.1f}s[/dim]"

    def step(self, name: str, text: str) -> None:
        self.console.print(f"{self._stamp()} [bold]▸ {name}[/bold]: {text}")

    def info(self, text: str) -> None:
        if text:
            from rich.markup import escape  # imported here, not at the top, to keep `lab --help` fast

            self.console.print(f"{self._stamp()}     {escape(text)}")

    def done(self, name: str, seconds: float, skipped: bool = False) -> None:
        if skipped:
            self.console.print(f"{self._stamp()}   {name}: already done")
        elif seconds >= 1:
            self.console.print(f"{self._stamp()}   {name}: done in {seconds:.1f}s")


def access_sheet(result: Any) -> str:
    """What a learner needs after `up`: endpoints, where the credentials are, what to do first."""
    lab = result.definition  # as `up` loaded it: the lab is read once per command
    flag = "" if result.instance == "default" else f" --instance {result.instance}"
    verb = "already up" if result.noop else "ready"
    lines = [f"{verb} in {result.seconds:.1f}s: {lab.title} ({result.lab}, instance {result.instance})", ""]
    lines += [result.access.rstrip(), "", "Endpoints:"]
    lines += [f"  {name:<14} {url}" for name, url in result.endpoints.items()]
    forwards = getattr(result, "port_forward", None) or []
    if forwards:
        lines += ["", "The endpoints listen once each of these runs (one terminal each):"]
        lines += [f"  {line}" for line in forwards]
    for name, why in (getattr(result, "unavailable", None) or {}).items():
        lines.append(f"Unavailable:  {name} ({why})")
    if lab.sandbox.secrets:
        lines.append(f"Credentials:  lab show {result.lab}{flag} --secrets")
    if lab.exercises:
        first = lab.exercises[0]
        lines += [
            "",
            f"First exercise: {first.title}  (instructions: lab show {result.lab})",
            f"When done:      lab check {result.lab} {first.id}{flag}",
        ]
    lines.append(f"Finished:       lab down {result.lab}{flag}")
    return "\n".join(lines)


def render_lab(data: dict[str, Any]) -> str:
    """Title, sandbox, exercises with instructions, and instances, as readable text."""
    sandbox = data["sandbox"]
    lines = [f"{data['id']}: {data['title']}  ({data['kind']}, {data['hours']} h, backend {sandbox['backend']})", ""]
    lines += [data["description"].strip(), "", f"Offline: {data['offline'].strip()}", "", "Sandbox:"]
    if data.get("unavailable"):
        lines[-1:-1] = [f"Not in this version of lab: {data['unavailable'].strip()}", ""]
    for c in sandbox["components"]:
        ports = ", ".join(f"{p['name']}:{p['port']}" for p in c.get("ports", []))
        lines.append(f"  - {c['name']} ({c['type']})" + (f" ports {ports}" if ports else ""))
    for i, ex in enumerate(data.get("exercises", []), 1):
        lines += ["", f"Exercise {i}: {ex['title']}  [{ex['id']}]", _indent(ex["instructions"].strip())]
    for inst in data.get("instances", []):
        lines += ["", f"Instance {inst['instance']}: {inst['state']}"]
        lines += [f"  {k}: {v}" for k, v in inst["endpoints"].items()]
        lines += [f"  container {k}: {v}" for k, v in inst.get("containers", {}).items()]
        lines += [f"  secret {k}: {v}" for k, v in (inst.get("secrets") or {}).items()]
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else "" for line in text.splitlines())


def is_tty() -> bool:
    return sys.stderr.isatty()
