"""How results look: one JSON document for scripts (`--output json`), or lines of text for people."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import click

from provisioner.cli.app import App


def emit_json(data: Any) -> None:
    """Indented JSON on stdout; dates and paths as strings."""
    click.echo(json.dumps(data, indent=2, default=str))


def render(app: App, data: Any, text: Callable[[], Iterable[str]]) -> None:
    """`data` as JSON, or the lines of `text` (built only when shown: some read the catalog)."""
    if app.json:
        emit_json(data)
        return
    for line in text():
        click.echo(line)


def lab_rows(rows: list[dict[str, Any]]) -> Iterator[str]:
    """`lab list`: id, backend, hours, title."""
    for r in rows:
        note = "  (not in this version: `lab show` says why)" if r.get("unavailable") else ""
        yield f"{r['id']:<12} {r['backend']:<7} {r['hours']!s:>5}h  {r['title']}{note}"


def instance_rows(rows: list[dict[str, Any]]) -> Iterator[str]:
    """`lab status`: lab, instance, state, endpoints."""
    if not rows:
        yield "no instances"
    for r in rows:
        yield f"{r['lab']:<12} {r['instance']:<12} {r['state']:<10} {_endpoints(r)}"


def up_json(result: Any) -> dict[str, Any]:
    """`lab up --output json`; the text form is console.access_sheet."""
    forwards = getattr(result, "port_forward", None)
    return {
        "lab": result.lab,
        "instance": result.instance,
        "state": "ready",
        "noop": result.noop,
        "seconds": result.seconds,
        "endpoints": result.endpoints,
        "unavailable": result.unavailable,
    } | ({"port_forward": forwards} if forwards else {})  # only where the endpoints need them


def verify_json(lab_id: str, instance: str, outcome: Any) -> dict[str, Any]:
    """`lab verify --output json`: every check, and the diagnostics bundle of a failure."""
    return {
        "lab": lab_id,
        "instance": instance,
        "passed": outcome.passed,
        "unavailable": outcome.unavailable,
        "checks": [r.as_dict() for r in outcome.checks],
        "diagnostics": outcome.diagnostics,
    }


def verify_lines(outcome: Any) -> Iterator[str]:
    """`lab verify`: PASS, FAIL with what was expected and seen, or UNAVAILABLE."""
    for r in outcome.checks:
        mark = "PASS" if r.passed else ("UNAVAILABLE" if r.extra.get("unavailable") else "FAIL")
        yield f"{mark}  {r.name}" + ("" if r.passed else f"\n      {r.message}")
    for name, why in outcome.unavailable.items():  # optional components: reported, never passed
        yield f"UNAVAILABLE {name}: {why}"


def image_rows(rows: list[dict[str, Any]]) -> Iterator[str]:
    """`lab images list`: one aligned line per image."""
    for r in rows:
        remote = f"  registry: {r['remote']}" if "remote" in r else ""
        yield f"{r['image']:<20} {r['tag'] or '-':<36} {r['local']}{remote}"


def down_line(lab_id: str, instance: str, removed: bool) -> str:
    """`lab down`: whether there was anything to remove."""
    return f"removed {lab_id} ({instance})" if removed else f"nothing to remove for {lab_id} ({instance})"


def exercise_lines(results: list[Any]) -> Iterator[str]:
    """`lab check`: each exercise, its failed checks and hint, then the count done."""
    for r in results:
        yield f"{'PASS' if r.passed else 'FAIL'}  {r.id}: {r.title}"
        for c in r.checks:  # an unavailable optional component's check: shown, never passed
            if c.extra.get("unavailable"):
                yield f"      UNAVAILABLE {c.name}: {c.seen.removeprefix('unavailable: ')}"
            elif not c.passed:
                yield f"      {c.name}: {c.message}"
        if not r.passed:
            yield f"      hint: {r.hint.strip()}"
    yield f"{sum(r.passed for r in results)}/{len(results)} exercises done"


def smoke_json(runs: list[Any]) -> list[dict[str, Any]]:
    """`lab smoke --output json`: one entry per lab with its cases."""
    return [
        {
            "lab": r.lab,
            "status": r.status,
            "reason": r.reason,
            "seconds": r.seconds,
            "diagnostics": r.diagnostics,
            "cases": [c.__dict__ for c in r.cases],
        }
        for r in runs
    ]


def smoke_lines(runs: list[Any]) -> Iterator[str]:
    """`lab smoke`: one line per lab, its failed cases, then the counts."""
    for r in runs:
        yield f"{r.status.upper():<8} {r.lab:<12} {r.seconds:6.1f}s  {r.reason}"
        yield from (f"         {c.name}: {c.message}" for c in r.cases if not c.passed and not c.skipped)
        if r.diagnostics:
            yield f"         diagnostics: {r.diagnostics}"
    counts = {s: sum(r.status == s for r in runs) for s in ("passed", "failed", "skipped")}
    yield f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped"


def cohort_up_lines(outcomes: list[Any], removed: list[str], pruned: bool) -> Iterator[str]:
    """`lab cohort up`: one line per student, then who is no longer on the roster."""
    for o in outcomes:
        yield f"{o.status:<8} {o.student:<16} {o.seconds:6.1f}s  {o.error}"
    if removed:
        verb = "removed" if pruned else "not on the roster any more (run again with --prune to remove)"
        yield f"{', '.join(removed)}: {verb}"


def student_rows(rows: list[dict[str, Any]]) -> Iterator[str]:
    """`lab cohort status`: student, state, exercises done, age, endpoints."""
    for r in rows:
        age = f"{(r['age_seconds'] or 0) / 60:.0f}m"
        yield f"{r['student']:<16} {r['state']:<8} {r['exercises_passed']} done  {age:>5}  {_endpoints(r)}"


def _endpoints(row: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in row["endpoints"].items())
