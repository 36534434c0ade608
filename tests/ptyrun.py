"""Run a command as a user at a terminal would: stderr on a pseudo-terminal, stdout on a pipe (or
stderr on a pipe too), and time the first byte it draws on stderr from the process's start.

Used by tests/test_progress_pty.py and benchmarks/bench_startup.py."""
from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time
from dataclasses import dataclass


@dataclass
class Ran:
    first: float | None  # seconds from the process's start to its first byte on stderr (None: none)
    stderr: bytes
    stdout: bytes
    code: int | None  # None: killed at the timeout
    seconds: float


def run(argv: list[str], *, tty: bool = True, timeout: float = 120.0, env=None, cwd=None) -> Ran:
    """Run ``argv`` to its end (at most ``timeout`` s) with stderr a terminal of 120 columns
    (``tty``) or a pipe; stdout is always a pipe."""
    if tty:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=slave if tty else subprocess.PIPE, env=env, cwd=cwd)
    if tty:
        os.close(slave)
    err_fd = master if tty else proc.stderr.fileno()
    out_fd = proc.stdout.fileno()
    got = {err_fd: bytearray(), out_fd: bytearray()}
    first = None
    open_fds = [err_fd, out_fd]
    deadline = t0 + timeout
    while open_fds and time.monotonic() < deadline:
        ready, _, _ = select.select(open_fds, [], [], 0.2)
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other end is closed (the process ended)
                chunk = b""
            if not chunk:
                open_fds.remove(fd)
                continue
            if fd == err_fd and first is None:
                first = time.monotonic() - t0
            got[fd] += chunk
    try:
        code = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        code = None
    seconds = time.monotonic() - t0
    if tty:
        os.close(master)
    proc.stdout.close()
    if proc.stderr:
        proc.stderr.close()
    return Ran(first, bytes(got[err_fd]), bytes(got[out_fd]), code, seconds)
