"""The documents a hand-over must carry (seed 001: 完整的客户资料应包括…), and which a 已交资料 cell is missing.

A list on 设置 names one document per item, separated by 、; an item may name
alternatives with / (客户身份证/营业执照: either will do) and be marked （可选） when only
some cars need it (暂住证).  A 已交资料 cell lists what was handed over, separated by 、 , ;
or one per line.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pandas as pd

OPTIONAL = re.compile(r"\s*[（(]\s*可选\s*[)）]\s*$")
_ITEMS = re.compile(r"[、,，;；\n]")


@dataclass(frozen=True)
class Requirement:
    names: tuple[str, ...]  # any one of them satisfies it
    optional: bool = False

    @property
    def label(self) -> str:
        return "/".join(self.names)


@functools.lru_cache(maxsize=32)
def requirements(text: str) -> tuple[Requirement, ...]:
    """The 设置 list as requirements (parsed once per text, however many hand-overs ask); ValueError when it names nothing."""
    found = []
    for item in _ITEMS.split(text or ""):
        optional = bool(OPTIONAL.search(item))
        names = tuple(n.strip() for n in OPTIONAL.sub("", item).split("/") if n.strip())
        if names:
            found.append(Requirement(names, optional))
    if not found:
        raise ValueError(text)
    return tuple(found)


def handed_over(cell) -> list[str]:
    """The documents a 已交资料 cell names ([] for an empty cell)."""
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return []
    return [n.strip() for n in _ITEMS.split(str(cell)) if n.strip()]


def missing(needed: tuple[Requirement, ...], given: list[str]) -> list[str]:
    """The required documents (by label) none of whose names was handed over."""
    have = set(given)
    return [r.label for r in needed if not r.optional and not have.intersection(r.names)]


def unknown(needed: tuple[Requirement, ...], given: list[str]) -> list[str]:
    """Names handed over that are on no item of the list (a typo, or a document the list should gain)."""
    known = {name for r in needed for name in r.names}
    return [name for name in given if name not in known]
