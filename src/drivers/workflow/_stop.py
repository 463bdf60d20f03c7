"""A stop signal (SIGTERM, Ctrl-C) that reached this process, remembered.

The command line's signal handler raises in the main thread, but Python drops an
exception raised while a finaliser runs (``Exception ignored in: ZipFile.__del__``): the
run would then go on and replace the report. So the handler also sets :data:`requested`,
and the run checks it between its steps and before it replaces the report.
"""

from __future__ import annotations

import threading

#: Set by the command line when SIGTERM or SIGINT arrives; cleared when a command starts.
requested = threading.Event()


def check() -> None:
    """Raise KeyboardInterrupt when a stop signal arrived (even if its exception was lost)."""
    if requested.is_set():
        raise KeyboardInterrupt


class Either:
    """Set when either event is: the run's own stop, or a stop signal."""

    def __init__(self, own: threading.Event, signal: threading.Event = requested) -> None:
        self.own, self.signal = own, signal

    def is_set(self) -> bool:
        return self.own.is_set() or self.signal.is_set()

    def set(self) -> None:
        self.own.set()
