"""The operations behind the CLI verbs, by the names callers import: up.py, down.py, verify.py
hold them (each a list of steps run by steps.py's loop)."""

from __future__ import annotations

from provisioner.lifecycle.down import down
from provisioner.lifecycle.up import UpResult, up
from provisioner.lifecycle.verify import VerifyResult, blocking, check_env, readiness, verify

__all__ = ["UpResult", "VerifyResult", "blocking", "check_env", "down", "readiness", "up", "verify"]
