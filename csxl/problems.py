"""Data problems as records, not exceptions: the rest of the workbook is still processed."""

from __future__ import annotations

from dataclasses import astuple, dataclass

import pandas as pd

from .schema import PROBLEMS


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # as Excel numbers it; None for a whole-sheet problem
    column: str | None  # the header as written in the workbook
    value: object
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f"!{self.row}"
        if self.column:
            where += f" [{self.column}]"
        value = "" if self.value is None or (not isinstance(self.value, str) and pd.isna(self.value)) else f" «{self.value}»"
        return f"{where}{value}: {self.message}"

    def as_dict(self) -> dict:
        value = self.value
        if value is not None and not isinstance(value, str):
            value = None if pd.isna(value) else str(value)
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": value, "message": self.message}


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    frame = pd.DataFrame([astuple(p) for p in problems], columns=PROBLEMS.keys)
    frame["value"] = frame["value"].map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
    return frame
