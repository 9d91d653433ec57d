"""JUnit XML: one testsuite per lab, one testcase per phase or exercise check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from .checks.runner import CheckResult


def write_junit(
    path: str | Path, suites: dict[str, dict[str, list[CheckResult]]], skipped: dict[str, str] | None = None
) -> None:
    root = ET.Element("testsuites")
    for lab, phases in suites.items():
        cases = [(phase, r) for phase, results in phases.items() for r in results]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=lab,
            tests=str(len(cases)),
            failures=str(sum(not r.passed for _p, r in cases)),
            skipped="0",
            time=f"{sum(r.seconds for _p, r in cases):.2f}",
        )
        for phase, r in cases:
            _case(suite, lab, phase, r)
    for lab, reason in (skipped or {}).items():
        suite = ET.SubElement(root, "testsuite", name=lab, tests="1", failures="0", skipped="1", time="0")
        case = ET.SubElement(suite, "testcase", classname=lab, name="up")
        ET.SubElement(case, "skipped", message=reason)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _case(suite: ET.Element, lab: str, phase: str, result: CheckResult) -> Any:
    case = ET.SubElement(suite, "testcase", classname=f"{lab}.{phase}", name=result.name, time=f"{result.seconds:.2f}")
    if not result.passed:
        ET.SubElement(case, "failure", message=result.message).text = result.message
    return case
