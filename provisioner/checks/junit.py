"""JUnit XML: one testsuite per lab, one testcase per phase or exercise."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from provisioner.checks.runner import CheckResult


@dataclass
class Case:
    name: str
    phase: str
    passed: bool
    message: str = ""
    seconds: float = 0.0
    skipped: bool = False


def from_checks(phase: str, results: list[CheckResult]) -> list[Case]:
    """A check of an unavailable optional component is a skipped case: neither passed nor failed."""
    return [
        Case(
            r.name, phase, r.passed, "" if r.passed else r.message, r.seconds, skipped=bool(r.extra.get("unavailable"))
        )
        for r in results
    ]


def write_junit(path: str | Path, suites: dict[str, list[Case]]) -> None:
    root = ET.Element("testsuites")
    for lab, cases in suites.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=lab,
            tests=str(len(cases)),
            failures=str(sum(not c.passed and not c.skipped for c in cases)),
            skipped=str(sum(c.skipped for c in cases)),
            time=f"{sum(c.seconds for c in cases):.2f}",
        )
        for c in cases:
            case = ET.SubElement(suite, "testcase", classname=f"{lab}.{c.phase}", name=c.name, time=f"{c.seconds:.2f}")
            if c.skipped:
                ET.SubElement(case, "skipped", message=c.message)
            elif not c.passed:
                first = c.message.splitlines()[0] if c.message else "failed"
                ET.SubElement(case, "failure", message=first).text = c.message
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
