"""Checks across rows and sheets: duplicate ids and references to records that do not exist."""

from __future__ import annotations

import pandas as pd

from ..frameops import is_in
from ..i18n import t
from ..problems import Problem
from ..schema import ROW, SHEETS


def validate(
    frames: dict[str, pd.DataFrame], names: dict[str, str], lang: str, unusable: set[str] = frozenset(),
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Drop (and report) rows repeating an id; report references to missing records.

    References into a sheet that could not be read (``unusable``) are not reported: its own problem says it once.
    """
    problems: list[Problem] = []
    frames = dict(frames)
    for key, frame in frames.items():
        sheet = SHEETS[key]
        if not sheet.id_keys or frame.empty:
            continue
        ids = list(sheet.id_keys)
        repeated = frame.duplicated(ids, keep="first")
        if repeated.any():
            first_rows = frame[~repeated].set_index(ids)[ROW]
            for _, record in frame[repeated].iterrows():
                first = first_rows.loc[tuple(record[ids])] if len(ids) > 1 else first_rows.loc[record[ids[0]]]
                problems.append(Problem(
                    names[key], int(record[ROW]), sheet.column(ids[0]).header(lang), record[ids[0]],
                    t("duplicate_id", lang, first=int(first)),
                ))
            frames[key] = frame[~repeated].reset_index(drop=True)
    for key, frame in frames.items():
        sheet = SHEETS[key]
        for ref in sheet.references:
            targets = frames.get(ref.target_sheet)
            if targets is None or frame.empty or ref.target_sheet in unusable:
                continue
            dangling = frame[ref.column].notna() & ~is_in(frame[ref.column], targets[ref.target_column])
            column = sheet.column(ref.column)
            for row, value in zip(frame.loc[dangling, ROW], frame.loc[dangling, ref.column]):
                problems.append(Problem(
                    names[key], int(row), column.header(lang), value,
                    t("dangling_reference", lang, target=names[ref.target_sheet], column=column.header(lang)),
                ))
    problems.extend(_second_outlet_invoices(frames, names, lang))
    problems.extend(_phone_numbers(frames, names, lang))
    return frames, problems


def _second_outlet_invoices(frames, names, lang) -> list[Problem]:
    vehicles = frames.get("vehicles")
    if vehicles is None or vehicles.empty:
        return []
    missing = vehicles["outlet_level"].eq("二级").fillna(False) & vehicles["invoice_date"].isna()
    header = SHEETS["vehicles"].column("invoice_date").header(lang)
    return [
        Problem(names["vehicles"], int(row), header, None, t("second_outlet_no_invoice", lang))
        for row in vehicles.loc[missing, ROW]
    ]


_SEPARATORS = r"[\s\-·•.()（）]"
_MOBILE = r"^(?:\+?86)?1[3-9]\d{9}$"
_LANDLINE = r"^(?:\+?86)?0\d{2,3}\d{7,8}(?:\d{1,4})?$"  # area code, number, perhaps an extension


def _phone_numbers(frames, names, lang) -> list[Problem]:
    """A mobile number has 11 digits (separators aside); a landline carries its area code."""
    customers = frames.get("customers")
    if customers is None or customers.empty:
        return []
    phones = customers["phone"]
    digits = phones.str.replace(_SEPARATORS, "", regex=True)
    usable = digits.str.match(_MOBILE) | digits.str.match(_LANDLINE)
    bad = phones.notna() & ~usable.fillna(False)
    header = SHEETS["customers"].column("phone").header(lang)
    return [Problem(names["customers"], int(row), header, value, t("bad_phone", lang))
            for row, value in zip(customers.loc[bad, ROW], phones[bad])]
