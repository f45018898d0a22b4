"""csxl in Excel: what the 客服助手 ribbon's buttons run (through xlwings' RunPython).

Every click starts a new Python, so this module imports nothing heavy: the
action a button names imports what it needs when it runs.  This package is the
only place that imports xlwings, and only in ``xlwings_book`` and ``udfs``.
"""

from __future__ import annotations


def dispatch(action: str, book=None) -> str:
    """Run the ribbon action ``action`` on ``book`` (default: the workbook that called); returns what the clerk was told.

    Any failure reaches the clerk as one sentence and goes to csxl.log, never a traceback dialog.
    ``action|quiet|answer…`` is the selftest's form: no dialogs, the answers given, the result left in the status bar.
    """
    from .run import run_action

    action, *options = action.split("|")
    if book is None:
        from .xlwings_book import XlwingsBook

        quiet = options[:1] == ["quiet"]
        book = XlwingsBook.caller(quiet=quiet, answers=options[1:] if quiet else None)
    return run_action(action, book)
