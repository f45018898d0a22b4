"""Edits a clerk makes in Excel, made with openpyxl for the tests."""

import openpyxl


def set_setting(path, key: str, value) -> None:
    """Set one 设置 value (by its 项目 name), as a clerk would."""
    book = openpyxl.load_workbook(path)
    sheet = book["设置"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == key)
    row[1].value = value
    book.save(path)
