"""csxl's reader conversion before it moved to Arrow (pandas, cell by cell), kept as the reference the Arrow one must match.

Taken unchanged from csxl/workbook/reader.py as of commit fa059e8 (only the imports adjusted, and the two changes
marked below); see test_convert.py.
"""

import numpy as np
import pandas as pd

from csxl.calendars.parsing import parse_dates
from csxl.i18n import t
from csxl.problems import Problem
from csxl.schema import ROW, Column, ColumnType, Sheet
from csxl.workbook.convert import _PLAIN_NUMBER, number_text


def _empty(sheet):
    raise AssertionError("the fuzz always has every column")


class ReferenceSheetReader:
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
                # The one change: this line crashed on "约15万" (Int64 into float64); see issue 10, finding 1.
                values[retry] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
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
        quoted = text[bad]
        if column.type is ColumnType.SCORE:
            # The second change: a score out of range written as a plain number is quoted as the number read («1e3» as
            # «1000»), since the reader can read scores typed and then knows the value, not how it was written.
            read_as = pd.to_numeric(quoted.where(quoted.str.match(_PLAIN_NUMBER).fillna(False).astype(bool)), errors="coerce")
            quoted = [number_text(n) if not pd.isna(n) else v for v, n in zip(quoted, read_as)]
        for row, value in zip(frame.loc[bad, ROW], quoted):
            self.problem(row, label, value, message, suffix=suffix, **params)
        self._bad[column.key] = bad
        return values
