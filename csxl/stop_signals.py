"""Ctrl-C and SIGTERM as a request to stop at the next safe point, for as long as a block runs."""

from __future__ import annotations

import signal
from collections.abc import Callable
from contextlib import contextmanager


@contextmanager
def stop_signals(handler: Callable):
    """``handler`` receives SIGINT and SIGTERM inside the block; the handlers before come back after it, since a
    process that goes on (Excel's Python, a test run's worker) would otherwise never see Ctrl-C again."""
    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, before in previous.items():
            signal.signal(signum, before)
