"""One release at a time: a lock on the project that the operating system
releases when its holder ends, however it ends (even ``kill -9``).

The lock belongs to the process that took it, not to the workers it forks:
a forked child closes its copy at once, so that a worker still running after
its parent ended could never keep the next release waiting.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path


class Busy(RuntimeError):
    """Another release holds the lock and we were told not to wait."""


_HELD: set[int] = set()
"""File descriptors of the locks this process holds."""


def _forget_in_child() -> None:
    for descriptor in _HELD:
        try:
            os.close(descriptor)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_forget_in_child)


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "another process"
    except OSError:
        return "another process"


def _write(descriptor: int, text: str) -> None:
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, text.encode("utf-8"), 0)


@contextlib.contextmanager
def release_lock(root: Path, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the project's release lock for the duration of the block.

    A second release waits until the first is done (telling ``on_wait`` who
    holds the lock), or raises :class:`Busy` with ``wait=False``.
    """
    path = Path(root) / ".briefpub.lock"
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(path)
            if not wait:
                raise Busy(f"a release is already running ({holder}); try again when it has finished") from None
            if on_wait:
                on_wait(holder)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        _HELD.add(descriptor)
        _write(descriptor, f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        try:
            yield
        finally:
            _HELD.discard(descriptor)
            _write(descriptor, "")
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
