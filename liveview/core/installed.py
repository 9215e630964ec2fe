# A process-wide object the app installs (AppConfig.ready) and tests replace: the hubs' registry,
# the connection counts. One slot per kind, read with a clear error when it was never installed.
from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Installed(Generic[T]):
    """The slot of one process-wide object; `what` names it in the error when it is missing."""

    __slots__ = ("_value", "what")

    def __init__(self, what: str) -> None:
        self.what = what
        self._value: T | None = None

    def install(self, value: T) -> T:
        """Make `value` the process's (the app's ready() does, once); returns it."""
        self._value = value
        return value

    def is_installed(self) -> bool:
        return self._value is not None

    def uninstall(self) -> None:
        self._value = None

    def peek(self) -> T | None:
        """The installed object, or None."""
        return self._value

    def get(self) -> T:
        """The installed object; a clear error when the app has not installed one."""
        if self._value is None:
            raise RuntimeError(
                f"liveview's {self.what} not installed: add 'liveview' to INSTALLED_APPS"
                " (its AppConfig.ready() installs them)"
            )
        return self._value
