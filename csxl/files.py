"""Files csxl creates beside the workbook: the modes they get, and the leftovers a killed run can leave.

Temp files are written with ``tempfile.mkstemp`` (mode 0600) and renamed into
place; the result gets the mode a new file gets in that folder (the umask), or
the mode of the file it replaces.  Their names start with the workbook's own
name, so a later run that holds the workbook's lock knows which are leftovers.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger("csxl.files")

WORKBOOK_TEMP = ".~csxl-{name}-"
OUTBOX_TEMP = ".tmp-{name}-"


def new_file_mode() -> int:
    """The mode a new file gets here: 0666 less the umask (os.umask can only be read by setting it)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def workbook_temp_prefix(workbook: Path) -> str:
    return WORKBOOK_TEMP.format(name=Path(workbook).name)


def outbox_temp_prefix(workbook: Path) -> str:
    return OUTBOX_TEMP.format(name=Path(workbook).stem)


def remove_leftovers(workbook: Path, outbox: Path | None = None) -> int:
    """Delete the temp files an interrupted run on ``workbook`` left behind; call only while holding its lock."""
    workbook = Path(workbook)
    found = list(workbook.parent.glob(workbook_temp_prefix(workbook) + "*"))
    if outbox is not None and outbox.is_dir():
        found += list(outbox.glob(outbox_temp_prefix(workbook) + "*"))
    removed = 0
    for leftover in found:
        try:
            leftover.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    if removed:
        log.info("removed %d temp file(s) left by an interrupted run beside %s", removed, workbook.name)
    return removed
