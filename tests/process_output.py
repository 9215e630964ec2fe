"""A process's output lines, waited for as they come: a test waits on what a process says
(its readiness line, a worker's log line), not on a clock."""

from __future__ import annotations

import queue
import subprocess
import threading
import time

#: The most a line may take to come, in seconds, on a busy machine.
LINE_TIMEOUT = 60


class Output:
    """A process's output, read by a thread as it comes (so its pipe never fills).

    `until(*texts)` waits for the next line holding every text: an event, not a poll; it fails
    the test with all read so far if the process ends first or after `timeout` seconds.
    """

    def __init__(
        self, process: subprocess.Popen[str], name: str, timeout: float = LINE_TIMEOUT
    ) -> None:
        self.name = name
        self.timeout = timeout
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._queue.put(line)
        self._queue.put(None)  # the process ended

    def until(self, *texts: str) -> str:
        """The next line holding every one of `texts`."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                line = self._queue.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                line = None
            if line is None:
                raise AssertionError(f"no line with {texts} in {self.name}'s output:\n{self.text}")
            self.lines.append(line)
            if all(text in line for text in texts):
                return line

    @property
    def text(self) -> str:
        """The lines `until` has read."""
        return "".join(self.lines)

    def seen(self) -> str:
        """Every line read so far, waited for or not (for a failure's report)."""
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                return self.text
            if line is None:
                self._queue.put(None)  # still ended for a later `until`
                return self.text
            self.lines.append(line)
