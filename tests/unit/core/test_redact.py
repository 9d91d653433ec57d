"""Secrets are masked while their run is in progress, from any thread, and forgotten after it."""

from __future__ import annotations

import threading

from provisioner.core import redact


def test_a_runs_secrets_are_masked_from_any_thread_until_the_run_ends() -> None:
    seen: list[str] = []
    with redact.run():
        redact.register("s3cret-value", "short")
        worker = threading.Thread(target=lambda: seen.append(redact.redact("pw=s3cret-value short")))
        worker.start()
        worker.join()
    assert seen == ["pw=*** short"]  # values under 6 characters would mask ordinary words
    assert redact.redact("pw=s3cret-value") == "pw=s3cret-value"


def test_two_runs_keep_their_own_secrets() -> None:
    with redact.run():
        redact.register("first-secret")
        with redact.run():
            redact.register("second-secret")
            assert redact.redact("first-secret second-secret") == "*** ***"
        assert redact.redact("first-secret second-secret") == "*** second-secret"


def test_secrets_outside_a_run_stay_until_forgotten() -> None:
    redact.register("loose-secret")
    assert redact.redact("loose-secret") == "***"
    redact.forget_loose()
    assert redact.redact("loose-secret") == "loose-secret"


def test_a_secret_containing_another_is_masked_whole() -> None:
    with redact.run():
        redact.register("abcdef", "abcdefgh")
        assert redact.redact("abcdefgh") == "***"
