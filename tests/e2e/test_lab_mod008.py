"""labs/mod-008 (PostgreSQL + Redis with the seeded `mlops` database) on the docker backend: the
learner's view from the host, per-instance credentials given by the image at first start, a reset
that brings back a dropped table, clean down."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.helpers import docker_leftovers, lab, secrets, state_leftovers, status

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

LAB = "mod-008"
# Resource names are lab-<lab>-<instance> on a shared engine: a name of its own per test run.
INSTANCE = f"e2e{os.getpid()}"


def psql(endpoint: str, user: str, password: str, query: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Host psql against a published endpoint, password from the environment (never on argv)."""
    return subprocess.run(
        ["psql", f"postgresql://{user}@{endpoint}/mlops", "-XAt", "-v", "ON_ERROR_STOP=1", "-c", query],
        env=os.environ | {"PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"},
        capture_output=True,
        text=True,
        check=check,
        timeout=30,
    )


def redis(endpoint: str, *commands: str) -> list[str]:
    """First reply line of each inline command over RESP, so no redis-cli is needed on the host."""
    host, port = endpoint.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock, sock.makefile("rwb") as conn:
        conn.write(b"".join(c.encode() + b"\r\n" for c in commands))
        conn.flush()
        return [conn.readline().decode().strip() for _ in commands]


def test_seeded_rows_from_the_host_with_instance_credentials_then_nothing_left(lab_home: Path) -> None:
    lab("up", LAB, "-i", INSTANCE)
    try:
        [row] = [r for r in status() if r["lab"] == LAB and r["instance"] == INSTANCE]
        assert row["state"] == "ready"
        pg, creds = row["endpoints"]["postgres"], secrets(LAB, INSTANCE)
        assert pg.startswith("127.0.0.1:")

        counts = (
            "SELECT (SELECT count(*) FROM models), (SELECT count(*) FROM experiments),"
            " (SELECT count(*) FROM predictions)"
        )
        assert psql(pg, "postgres", creds["postgres_password"], counts).stdout == "20|2000|100000\n"
        first = psql(pg, "postgres", creds["postgres_password"], "SELECT name FROM models ORDER BY id LIMIT 3").stdout
        assert first.split() == ["fraud-xgb", "churn-logreg", "recsys-als"]

        # The instance's own read-only login: reads, cannot write, and only with its password.
        out_of_range = "SELECT count(*) FROM predictions WHERE score < 0 OR score > 1"
        assert psql(pg, "learner", creds["learner_password"], out_of_range).stdout == "4\n"
        denied = psql(pg, "learner", creds["learner_password"], "DELETE FROM predictions", check=False)
        assert denied.returncode != 0 and "permission denied" in denied.stderr
        wrong = psql(pg, "postgres", "not-" + creds["postgres_password"], "SELECT 1", check=False)
        assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr

        rd = row["endpoints"]["redis"]
        assert redis(rd, "PING")[0].startswith("-NOAUTH")
        assert redis(rd, f"AUTH {creds['redis_password']}", "PING") == ["+OK", "+PONG"]

        # The application role logs in with the instance's password: the image gave it at first
        # start, with no configuration pass. A second `up` is a no-op.
        assert psql(pg, "mlops_app", creds["app_password"], "SELECT count(*) FROM models").stdout == "20\n"
        assert json.loads(lab("up", LAB, "-i", INSTANCE, "--output", "json").stdout)["noop"] is True

        # `lab reset` brings back what a learner broke, behind the same endpoints and passwords.
        psql(pg, "postgres", creds["postgres_password"], "DROP TABLE predictions")
        assert redis(rd, f"AUTH {creds['redis_password']}", "SET broken 1") == ["+OK", "+OK"]
        reset = json.loads(lab("reset", LAB, "-i", INSTANCE, "--output", "json").stdout)
        assert reset["endpoints"] == row["endpoints"] and secrets(LAB, INSTANCE) == creds
        assert psql(pg, "postgres", creds["postgres_password"], counts).stdout == "20|2000|100000\n"
        assert psql(pg, "learner", creds["learner_password"], "SELECT 1").stdout == "1\n"
        assert redis(rd, f"AUTH {creds['redis_password']}", "EXISTS broken") == ["+OK", ":0"]
        lab("verify", LAB, "-i", INSTANCE)
    finally:
        lab("down", LAB, "-i", INSTANCE)
    assert docker_leftovers(INSTANCE, lab_id=LAB) == []
    assert state_leftovers(lab_home) == []
