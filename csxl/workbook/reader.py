"""Read the workbook's sheets into typed DataFrames, reporting every value it cannot use.

fastexcel (calamine, in Rust) reads each sheet into Arrow, every cell as text,
so that phone numbers and ids keep their leading zeros; the schema then gives
each column its type here.  Nothing in this module raises on bad data: a bad
value becomes a `Problem` and an empty cell, a row missing a required value is
left out of the computation and reported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import numpy as np
import pandas as pd

from ..calendars.parsing import parse_dates
from ..i18n import t
from ..problems import Problem
from ..schema import CONFIG_SHEETS, INPUT_SHEETS, ROW, SETTINGS, Column, ColumnType, Sheet
from ..settings import Settings, parse_settings
from .package import Package
from .validate import validate
from .writer import find_sheet



@dataclass
class Book:
    """A workbook as read: typed frames per sheet key, the problems found, the settings."""

    path: Path
    package: Package
    frames: dict[str, pd.DataFrame]
    problems: list[Problem]
    settings: Settings
    workday_adjustments: dict[dt.date, bool] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.settings.lang

    def sheet_name(self, key: str) -> str:
        return self.sheet_names.get(key, key)


def _empty(sheet: Sheet) -> pd.DataFrame:
    frame = pd.DataFrame({c.key: pd.Series(dtype=_dtype(c)) for c in sheet.columns})
    frame[ROW] = pd.Series(dtype="int64")
    return frame


def _dtype(column: Column) -> str:
    if column.type is ColumnType.DATE:
        return "datetime64[s]"
    if column.type in (ColumnType.NUMBER, ColumnType.SCORE):
        return "float64"
    return "string"


class _SheetReader:
    def __init__(self, sheet: Sheet, name: str, lang: str, date1904: bool):
        self.sheet, self.name, self.lang, self.date1904 = sheet, name, lang, date1904
        self.problems: list[Problem] = []
        self._bad: dict[str, pd.Series] = {}  # cells whose value was reported as unusable

    def problem(self, row, column, value, message_id, suffix: str = "", **params):
        message = t(message_id, self.lang, **params) + suffix
        self.problems.append(Problem(self.name, None if row is None else int(row), column, value, message))

    def read(self, raw: pd.DataFrame, header_row: int) -> pd.DataFrame:
        headers = self._match_headers(list(raw.columns))
        missing = [c for c in self.sheet.columns if c.required and c.key not in headers]
        if missing:
            for column in missing:
                self.problem(header_row, column.header(self.lang), None, "missing_column", name=column.zh if self.lang == "zh" else column.key)
            return _empty(self.sheet)
        frame = pd.DataFrame(index=raw.index)
        labels = {}
        for column in self.sheet.columns:
            if column.key in headers:
                source = headers[column.key]
                frame[column.key] = raw[source].astype("string").str.strip().replace("", pd.NA)
                labels[column.key] = source
            else:
                frame[column.key] = pd.Series(pd.NA, index=raw.index, dtype="string")
        frame[ROW] = np.arange(header_row + 1, header_row + 1 + len(frame), dtype="int64")
        frame = frame[frame[self.sheet.keys].notna().any(axis=1)]
        for column in self.sheet.columns:
            frame[column.key] = self._convert(frame, column, labels.get(column.key, column.header(self.lang)))
        required = [c for c in self.sheet.columns if c.required]
        usable = pd.Series(True, index=frame.index)
        for column in required:
            empty = frame[column.key].isna()
            for row in frame.loc[empty & ~self._bad[column.key], ROW]:
                self.problem(row, labels[column.key], None, "missing_required")
            usable &= ~empty
        return frame[usable].reset_index(drop=True)

    def _match_headers(self, found: list[str]) -> dict[str, str]:
        by_spelling = {s.casefold(): c.key for c in self.sheet.columns for s in c.spellings()}
        headers: dict[str, str] = {}
        for header in found:
            key = by_spelling.get(str(header).strip().casefold())
            if key and key not in headers:
                headers[key] = header
        return headers

    def _convert(self, frame: pd.DataFrame, column: Column, label: str) -> pd.Series:
        text = frame[column.key]
        if column.type is ColumnType.TEXT:
            self._bad[column.key] = pd.Series(False, index=text.index)
            return text
        if column.type is ColumnType.DATE:
            values, bad = parse_dates(text, self.date1904)
            message, params = "bad_date", {}
        elif column.type in (ColumnType.NUMBER, ColumnType.SCORE):
            values = pd.to_numeric(text, errors="coerce").astype("float64")
            retry = text.notna() & values.isna()  # "12,000元", "¥3500"
            if retry.any():
                cleaned = text[retry].str.replace(r"[,，¥￥元\s]", "", regex=True)
                values[retry] = pd.to_numeric(cleaned, errors="coerce")
            if column.type is ColumnType.SCORE:
                values = values.where((values >= 1) & (values <= 10) & (values == values.round()))
                message = "bad_score"
            else:
                message = "bad_number"
            params = {}
            bad = text.notna() & values.isna()
        else:
            spellings = {s.casefold(): c.zh for c in column.choices for s in c.spellings()}
            values = text.str.casefold().map(spellings).astype("string")
            bad = text.notna() & values.isna()
            if column.type is ColumnType.YESNO and column.blank_means_no:
                values = values.fillna("否")
            message = "bad_choice"
            params = {"allowed": "/".join(c.zh if self.lang == "zh" else c.en for c in column.choices)}
        suffix = t("row_not_used", self.lang) if column.required else ""
        for row, value in zip(frame.loc[bad, ROW], text[bad]):
            self.problem(row, label, value, message, suffix=suffix, **params)
        self._bad[column.key] = bad
        return values


def frames_from_records(records: dict[str, list[dict]], lang: str = "zh") -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Typed frames from plain records (as if typed into the sheets), converted exactly as a workbook is read."""
    frames, problems = {}, []
    for sheet in (*CONFIG_SHEETS, *INPUT_SHEETS):
        rows = records.get(sheet.key, [])
        raw = pd.DataFrame(
            [{c.header(lang): _as_text(r.get(c.key)) for c in sheet.columns} for r in rows],
            columns=sheet.headers(lang), dtype="string",
        )
        sheet_reader = _SheetReader(sheet, sheet.name(lang), lang, date1904=False)
        frames[sheet.key] = sheet_reader.read(raw, header_row=1)
        problems.extend(sheet_reader.problems)
    names = {s.key: s.name(lang) for s in (*CONFIG_SHEETS, *INPUT_SHEETS)}
    frames, more = validate(frames, names, lang)
    return frames, problems + more


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _load_raw(reader: fastexcel.ExcelReader, name: str) -> pd.DataFrame:
    return reader.load_sheet_by_name(name, header_row=0, dtypes="string").to_arrow().to_pandas()


def read_book(path: Path, progress=None) -> Book:
    """Read every sheet csxl knows; ``progress`` is called with each sheet's name as it is read."""
    package = Package(path)
    reader = fastexcel.read_excel(str(package.path))
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    names: dict[str, str] = {}
    settings = Settings()
    lang = settings.lang

    for sheet in (*CONFIG_SHEETS, *INPUT_SHEETS):  # settings first: they name the language
        if progress:
            progress(sheet.zh)
        entry = find_sheet(package, sheet)
        if entry is None:
            names[sheet.key] = sheet.name(lang)
            if sheet not in CONFIG_SHEETS:
                problems.append(Problem(sheet.name(lang), None, None, None, t("missing_sheet", lang, name=sheet.name(lang))))
            frames[sheet.key] = _empty(sheet)
            continue
        names[sheet.key] = entry.name
        sheet_reader = _SheetReader(sheet, entry.name, lang, package.date1904)
        try:
            raw = _load_raw(reader, entry.name)
        except (fastexcel.FastExcelError, ValueError) as exc:  # a damaged sheet: report it, read the others
            problems.append(Problem(entry.name, None, None, None, t("unreadable_sheet", lang, reason=exc)))
            frames[sheet.key] = _empty(sheet)
            continue
        frames[sheet.key] = sheet_reader.read(raw, package.first_value_row(entry.part))
        problems.extend(sheet_reader.problems)
        if sheet is SETTINGS:
            settings, setting_problems = parse_settings(frames[sheet.key], entry.name, lang)
            problems.extend(setting_problems)
            lang = settings.lang
    adjustments = {
        d.date(): kind == "上班"
        for d, kind in zip(frames["workday_adjustments"]["date"], frames["workday_adjustments"]["kind"])
    }
    frames, reference_problems = validate(frames, names, lang)
    problems.extend(reference_problems)
    return Book(package.path, package, frames, problems, settings, adjustments, names)
