"""Docker image builds: the argv of a build, none when the tag for the content exists, and a
failing step's own output shown."""

from __future__ import annotations

from typing import Any

import pytest

from provisioner import TOOL, __version__
from provisioner.backends.common import images
from provisioner.core import paths
from provisioner.core.errors import CommandError
from provisioner.core.proc import Result
from tests.unit.backends.fake_run import FakeRun

INSPECT = ("docker", "image", "inspect", "--format", "{{.Id}}")


def test_builds_an_image_whose_content_tag_is_missing_with_the_classic_builder() -> None:
    run = FakeRun({(*INSPECT, images.BASE): "sha256:base\n"})
    tag = images.tag_for("redis", run)
    run.answers[(*INSPECT, tag)] = (1, "")
    assert images.ensure("redis", lambda _line: None, run) == tag
    labels = [f"--label=org.lab.tool={TOOL}", f"--label=org.lab.version={__version__}", "--label=org.lab.image=redis"]
    labels.append("--label=org.lab.base=sha256:base")
    build = ["docker", "build", "--pull=false", "--force-rm", "-t", tag, *labels, str(paths.IMAGES_DIR / "redis")]
    assert run.calls[-1] == build
    assert tag.startswith("lab/redis:") and tag == images.tag_for("redis", run)


def test_an_existing_tag_is_not_built_again() -> None:
    run = FakeRun({(*INSPECT, images.BASE): "sha256:base\n"})
    images.ensure("redis", lambda _line: None, run)
    assert [argv[1] for argv in run.calls] == ["image"] * len(run.calls)


def test_a_failing_build_shows_the_failing_steps_output() -> None:
    fake = FakeRun({(*INSPECT, images.BASE): "sha256:base\n"})
    fake.answers[(*INSPECT, images.tag_for("redis", fake))] = (1, "")
    build_output = ["Step 1/2 : FROM lab/debian:bookworm", "fetched", "Step 2/2 : RUN pip install", "ERROR: no hash"]

    def run(argv: list[str], **options: Any) -> Result:
        if argv[:2] != ["docker", "build"]:
            return fake(argv, **options)
        for line in build_output:
            options["on_line"](line)
        raise CommandError(argv, 1, "The command '/bin/sh -c pip install' returned a non-zero code: 1")

    shown: list[str] = []
    with pytest.raises(CommandError):
        images.ensure("redis", shown.append, run)
    assert shown[-3:] == ["Step 1/2 : FROM lab/debian:bookworm", "Step 2/2 : RUN pip install", "  | ERROR: no hash"]
