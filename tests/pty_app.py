"""The real `trainlab` in a pseudo-terminal, driven as a user's terminal would drive it (as
bench/ui.py does): keys written to it, its size changed (SIGWINCH), signals sent, the line
hung up. Nothing here waits for a time to pass: every wait is for something the app does,
bounded only so that a hung app fails its test instead of hanging the suite."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRAINLAB = ROOT / ".venv" / "bin" / "trainlab"
FIRST_FRAME = b"start/pause"  # the footer's label for space: the main screen is drawn
PATIENCE = 120.0  # seconds before a wait gives up: a loaded machine is slow, never this slow


class PtyApp:
    """One run of the app on a pty of its own (its own session and process group)."""

    def __init__(self, *args: str, env: dict[str, str], size: tuple[int, int] = (120, 40)):
        self.columns, self.lines = size
        self.output = bytearray()
        self.status: int | None = None  # the exit status, once it has ended
        environment = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
        environment.pop("NO_COLOR", None)
        environment.update(env, TERM="xterm-256color")
        argv = [str(TRAINLAB), *args]
        self.pid, self.master = pty.fork()
        if self.pid == 0:  # the child: its terminal's size first, then the app
            try:
                self._set_size(0)
                os.execve(argv[0], argv, environment)
            finally:
                os._exit(127)

    # -- the terminal --

    def _set_size(self, fd: int) -> None:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", self.lines, self.columns, 0, 0))

    def press(self, keys: bytes | str) -> None:
        os.write(self.master, keys.encode() if isinstance(keys, str) else keys)

    def resize(self, columns: int, lines: int) -> None:
        """As a terminal window does: the new size, then SIGWINCH to the app."""
        self.columns, self.lines = columns, lines
        self._set_size(self.master)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGWINCH)

    def send(self, number: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, number)

    def hang_up(self) -> None:
        """As a dropped SSH link does: the terminal goes away (its master is closed), and
        the kernel sends SIGHUP to the app's foreground process group."""
        os.close(self.master)
        self.master = -1

    # -- reading and waiting --

    def read(self, timeout: float = 0.05) -> bool:
        """Read what the app wrote (up to `timeout` for it); False once the terminal is gone."""
        if self.master < 0:
            return False
        readable, _, _ = select.select([self.master], [], [], timeout)
        if not readable:
            return True
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:  # EIO: every process on the terminal has closed it
            return False
        self.output += chunk
        return bool(chunk)

    def wait_for_output(self, mark: bytes, since: int = 0) -> None:
        deadline = time.monotonic() + PATIENCE
        while mark not in self.output[since:]:
            if time.monotonic() > deadline or not self.read():
                tail = bytes(self.output[-400:])
                raise AssertionError(f"the app never wrote {mark!r}; last output: {tail!r}")

    def wait_until(self, condition, what: str) -> None:  # noqa: ANN001
        """Keep reading (so the app never blocks on a full terminal) until `condition()`."""
        deadline = time.monotonic() + PATIENCE
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {PATIENCE:.0f} s for {what}")
            if not self.read():
                time.sleep(0.02)

    def wait(self) -> int:
        """The app's exit status once it has ended (reading its output meanwhile)."""
        deadline = time.monotonic() + PATIENCE
        while self.status is None:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.status = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"the app did not end in {PATIENCE:.0f} s")
            if not self.read():
                time.sleep(0.02)
        while self.read(0):  # what it wrote last (the terminal restored)
            pass
        return self.status

    def kill(self) -> None:
        """End the app's process group (the app and its training process), ours to end."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)

    def close(self) -> None:
        if self.status is None:
            self.kill()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
