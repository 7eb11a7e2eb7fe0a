"""Ending cleanly when something outside the work goes wrong.

A signal (Ctrl-C, ``kill``, a closed terminal) stops briefpub with one line
and the exit code shells use for it, 128 + the signal's number: 130 after
Ctrl-C (SIGINT), 143 after SIGTERM, 129 after SIGHUP.  The parent stops its
worker processes and tidies up (the release lock, staging folders); the
workers themselves never print anything about it, and die with the parent
even when it is killed outright.

A ``docs/conf.py`` that does not run is read once, in the parent, before any
worker starts: it is reported once, with its file and line, instead of once
per edition with Sphinx's traceback.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import time
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path

SIGNALS = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}
"""The signals that ask briefpub to stop, as the one line it prints names them."""


class Stopped(BaseException):
    """A signal asked briefpub to stop.  A BaseException, like
    KeyboardInterrupt: no ``except Exception`` on the way up swallows it."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"stopped by {SIGNALS.get(signum) or signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGINT, SIGTERM and SIGHUP raise :class:`Stopped` in
    the main thread.  Only the first: once stopping, briefpub ignores the
    next ones (a second Ctrl-C) until it has tidied up.  A signal that was
    ignored when briefpub started (``nohup``, a background job) stays ignored."""

    received = []

    def stop(signum, frame):
        for number in SIGNALS:
            signal.signal(number, signal.SIG_IGN)
        received.append(signum)
        raise Stopped(signum)

    previous = {number: signal.getsignal(number) for number in SIGNALS}
    for number, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(number, stop)
    try:
        yield
        if received:  # raised where Python ignores exceptions (a finaliser, a fork hook): stop now
            raise Stopped(received[0])
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold the stopping signals back while forking a worker: a signal is
    then neither lost in the parent's fork hooks nor met by the child before
    :func:`become_worker`; it arrives right after, where it can be handled."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


_PR_SET_PDEATHSIG = 1


def become_worker(parent: int) -> None:
    """Set up a process forked by briefpub to do part of its work.

    Ctrl-C reaches every process of the terminal's process group: a worker
    leaves it to the parent, which stops the workers itself.  SIGTERM (the
    parent stopping it) ends a worker at once, without a traceback.  And a
    worker dies with its parent, even a parent killed with ``kill -9``.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)  # held while forking (signals_held)
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        prctl = getattr(ctypes.CDLL(libc_name, use_errno=True), "prctl", None)
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before we could ask
        os._exit(1)


def stop_processes(processes: Iterable, grace: float = 5.0) -> None:
    """End worker processes (``multiprocessing.Process``): SIGTERM, then,
    for any still running after ``grace`` seconds, SIGKILL.  Returns when
    every one has ended: no orphan is left behind."""
    processes = [process for process in processes if process.pid is not None]  # started ones
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


# --- the configuration, read once ------------------------------------------------------


class ConfigurationError(Exception):
    """``conf.py`` is missing or does not run; the message names its file and line."""


def read_configuration(conf_py: Path) -> dict:
    """Run ``conf.py`` as Sphinx does and return its settings, or raise
    :class:`ConfigurationError` saying where it failed and why."""
    from sphinx.config import eval_config_file
    from sphinx.errors import ConfigError
    from sphinx.util.tags import Tags

    if not conf_py.is_file():
        raise ConfigurationError(f"{conf_py}: not found: run briefpub in the publication's folder "
                                 "(the one with docs/ and locale/) or give it with --root")
    try:
        return eval_config_file(conf_py.resolve(), Tags())
    except ConfigError as error:
        raise ConfigurationError(_describe(conf_py, error)) from None


def _describe(conf_py: Path, error: Exception) -> str:
    from briefpub.release.build import ADVICE, explain

    cause = error.__cause__
    if isinstance(cause, OSError) and cause.errno in ADVICE:
        # not conf.py's fault: it could not write (the theme's catalogs compiled into _build/)
        return f"{conf_py}:{_line_in(conf_py, cause)}: error: {explain(cause)}"
    if isinstance(cause, ModuleNotFoundError) and (cause.name or "").startswith("briefpub."):
        # a conf.py written before briefpub grouped its package by pipeline stage
        return (f"{conf_py}:{_line_in(conf_py, cause)}: error: {conf_py} imports {cause.name}, which this "
                "briefpub does not have: its settings are imported with "
                "`from briefpub.project.config import settings` (as `briefpub new` writes it); "
                f"change {conf_py} and run again")
    if isinstance(cause, SyntaxError):
        line, what = cause.lineno or 0, f"SyntaxError: {cause.msg}"
    elif isinstance(cause, SystemExit):
        line, what = _line_in(conf_py, cause), "it calls sys.exit()"
    elif cause is not None:
        line, what = _line_in(conf_py, cause), f"{type(cause).__name__}: {cause}"
    else:  # a ConfigError raised by conf.py itself
        line, what = _line_in(conf_py, error), str(error)
    return f"{conf_py}:{line}: error: the Sphinx configuration does not run: {what}; fix {conf_py} and run again"


def _line_in(conf_py: Path, error: BaseException) -> int:
    """The line of ``conf.py`` that the error went through last (the call
    into code elsewhere that failed, or the failing line itself)."""
    here = str(conf_py.resolve())
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == here]
    return lines[-1] if lines else 0
