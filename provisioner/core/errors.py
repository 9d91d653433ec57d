"""Typed errors: the core raises them, only cli.py turns them into exit codes."""

from __future__ import annotations

# Exit codes are part of the CLI contract (README, CI scripts build on them).
EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2
EXIT_INFRA = 3
EXIT_INTERRUPTED = 130


class LabError(Exception):
    """Base of every error the CLI reports in one line, with an optional fix."""

    exit_code = EXIT_INFRA

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.diagnostics: str | None = None  # folder of a diagnostics bundle, when one was written


class UsageError(LabError):
    """Bad input from the user: unknown lab, bad option, malformed roster."""

    exit_code = EXIT_USAGE


class DefinitionError(LabError):
    """One or more lab definitions are invalid; `problems` holds every one of them."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: list[str]) -> None:
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in lab definitions", None)
        self.problems = problems


class InfraError(LabError):
    """Provisioning failed: Docker not running, Terraform failed, port taken."""

    exit_code = EXIT_INFRA


class BackendUnavailable(InfraError):
    """The lab needs a backend that is not built or cannot run on this machine."""


class BusyError(InfraError):
    """Another process holds the instance lock."""


class CheckFailed(LabError):
    """A readiness check or an exercise check failed."""

    exit_code = EXIT_CHECK_FAILED


class CommandError(InfraError):
    """A subprocess failed: carries argv, exit code and the tail of stderr."""

    def __init__(self, argv: list[str], returncode: int, stderr_tail: str) -> None:
        self.argv = argv
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        last = stderr_tail.strip().splitlines()[-1:] or ["(no output)"]
        super().__init__(f"{argv[0]} exited with {returncode}: {last[0]}")


class DeadlineExceeded(CommandError):
    """A subprocess ran past its deadline and was stopped (its whole process group)."""

    def __init__(self, argv: list[str], seconds: float, stderr_tail: str) -> None:
        super().__init__(argv, -1, stderr_tail)
        self.seconds = seconds
        self.message = f"{_short(argv)} did not finish within {seconds:.0f} s and was stopped"
        self.args = (self.message,)
        self.fix = "a slow machine: set LAB_TIMEOUT_SCALE (e.g. 2) to allow more time; else run with --debug"


def _short(argv: list[str]) -> str:
    """`terraform destroy` rather than the whole argv (paths, flags)."""
    name = argv[0].rsplit("/", 1)[-1]
    verbs = [a for a in argv[1:3] if not a.startswith("-")]
    return " ".join([name, *verbs[:1]])
