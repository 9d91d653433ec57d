"""project-04's checks of the log pipeline's configuration (images/monitoring-tools/tools/
pipelinecheck.py), with the log store and the API substituted: what a learner reads for each
kind of mistake."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from provisioner.core import paths

TOOLS = paths.IMAGES_DIR / "monitoring-tools" / "tools"
METRICS = """flag{name="retention.maxDiskSpaceUsageBytes", value="%s", is_set="true"} 1
flag{name="retentionPeriod", value="%s", is_set="true"} 1
vm_app_start_timestamp 1796193054
"""


@pytest.fixture(scope="module")
def check() -> Iterator[ModuleType]:
    sys.path.insert(0, str(TOOLS))  # it imports logcheck beside it, as in the image
    try:
        yield importlib.import_module("pipelinecheck")
    finally:
        sys.path.remove(str(TOOLS))


def test_units_follow_victorialogs(check: ModuleType) -> None:
    assert check.hours("14d") == check.hours("2w") == check.hours("336h") == 336
    assert check.hours("1") == 31 * 24  # a bare number is months
    assert check.size("256MiB") == check.size("268435456") == 2**28
    assert check.size("256MB") == 256 * 10**6
    assert check.hours("soon") is None and check.size("lots") is None


@pytest.mark.parametrize(
    ("period", "limit", "says"),
    [
        ("7d", "256MiB", "keeps logs for 7d, the policy says 14d"),
        ("2w", "512MiB", "may use 512MiB of disk, the policy says 256MiB"),
        ("336h", "268435456", None),
    ],
)
def test_policy_verdicts(check: ModuleType, period: str, limit: str, says: str | None) -> None:
    flags = {"retentionPeriod": period, "retention.maxDiskSpaceUsageBytes": limit}
    problem = check.policy_problem(flags, "14d", "256MiB")
    assert problem is None if says is None else says in problem


def test_metrics_are_parsed(check: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    class Response:
        def __enter__(self) -> Response:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def read(self) -> bytes:
            return (METRICS % ("256MiB", "14d")).encode()

    monkeypatch.setattr(check.urllib.request, "urlopen", lambda *a, **k: Response())
    flags, started = check.metrics()
    assert flags["retentionPeriod"] == "14d" and started == 1796193054


@pytest.mark.parametrize(
    ("kept", "arrives", "says"),
    [(0, True, "was its volume removed?"), (5, False, "is the shipper running?"), (5, True, "ok: 14d and 256MiB")],
)
def test_rollout_verdicts(
    check: ModuleType, monkeypatch: pytest.MonkeyPatch, kept: int, arrives: bool, says: str
) -> None:
    flags = {"retentionPeriod": "14d", "retention.maxDiskSpaceUsageBytes": "256MiB"}
    monkeypatch.setattr(check, "metrics", lambda: (flags, 1796193054.0))
    monkeypatch.setattr(check, "kept_before", lambda started: kept)
    monkeypatch.setattr(check, "fresh_line", lambda: {"_stream": "{}"} if arrives else None)
    assert says in check.retention("14d", "256MiB")


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (None, "did not reach the store"),
        ({"_stream": '{level="INFO",service="model-api"}', "client": "172.18.0.5"}, "still carry `client`"),
        ({"_stream": '{service="model-api"}'}, "make `level` a stream field"),
        ({"_stream": '{level="INFO",service="model-api"}'}, "ok: new lines in the stream"),
    ],
)
def test_mapping_verdicts(
    check: ModuleType, monkeypatch: pytest.MonkeyPatch, row: dict[str, str] | None, says: str
) -> None:
    monkeypatch.setattr(check, "fresh_line", lambda: row)
    assert says in check.mapping()
