"""One csxl at a time per workbook: the scheduler, the command line and the ribbon take the same lock.

An OS file lock (``filelock``) beside the workbook: it is released when the
process ends, even by a crash, so a killed run never leaves the workbook locked.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from ..errors import WorkbookBusy, WriteFailed


def lock_path(workbook: Path) -> Path:
    return Path(workbook).with_name(f".{Path(workbook).name}.csxl-lock")


@contextmanager
def workbook_lock(workbook: Path | None, wait_seconds: float = 0):
    """Hold the workbook's csxl lock; raises `WorkbookBusy` if another csxl still holds it after ``wait_seconds``."""
    if workbook is None:  # a workbook open in Excel that was never saved: nothing else can reach it
        yield
        return
    from filelock import FileLock, Timeout

    lock = FileLock(lock_path(workbook), timeout=wait_seconds)
    try:
        lock.acquire()
    except Timeout:
        raise WorkbookBusy(workbook) from None
    except OSError as exc:  # a read-only folder or file system: nothing could be written beside the workbook either
        raise WriteFailed(workbook, exc.strerror or str(exc)) from exc
    try:
        yield
    finally:
        lock.release()
