"""What the CLI tests share: the type of the `lab` fixture, and a core function that raises."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import Result

Lab = Callable[..., Result]


def raising(exc: BaseException) -> Callable[..., None]:
    """A stand-in for a core function that fails with `exc`."""

    def core(*_args: object, **_kwargs: object) -> None:
        raise exc

    return core
