"""csxl: the customer-service desk's Excel workbook, automated.

The library behind the ``csxl`` command, the scheduler and the Excel ribbon.
Its names are imported on first use, so that ``import csxl`` (and every
command's start-up) does not pay for pandas until something needs it.
"""

from importlib import import_module

from .errors import CsxlError, NotAWorkbook, WorkbookChanged, WorkbookExists, WorkbookNotFound, WorkbookOpenInExcel

_LAZY = {
    "check": "jobs", "compute_due": "jobs", "refresh": "jobs", "search": "jobs",
    "due_items": "rules", "due_today": "rules",
    "Settings": "settings",
    "Book": "workbook.reader", "read_book": "workbook.reader",
    "build_template": "workbook.template",
}

__all__ = [
    "Book", "CsxlError", "NotAWorkbook", "Settings", "WorkbookChanged", "WorkbookExists", "WorkbookNotFound",
    "WorkbookOpenInExcel", "build_template", "check", "compute_due", "due_items", "due_today", "read_book",
    "refresh", "search",
]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'csxl' has no attribute {name!r}")
