"""csxl: the customer-service desk's Excel workbook, automated.

The library behind the ``csxl`` command, the scheduler and the Excel ribbon.
"""

from .errors import CsxlError, NotAWorkbook, WorkbookChanged, WorkbookExists, WorkbookNotFound, WorkbookOpenInExcel
from .jobs import check, compute_due, refresh, search
from .rules import due_items, due_today
from .settings import Settings
from .workbook.reader import Book, read_book
from .workbook.template import build_template

__all__ = [
    "Book", "CsxlError", "NotAWorkbook", "Settings", "WorkbookChanged", "WorkbookExists", "WorkbookNotFound",
    "WorkbookOpenInExcel", "build_template", "check", "compute_due", "due_items", "due_today", "read_book",
    "refresh", "search",
]
