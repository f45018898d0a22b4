"""An SMS as the provider sends it: the approved template's parameters, the text the customer reads, its segments.

The 消息模板 正文 is the provider-approved text with csxl's ``{{…}}`` placeholders; the
provider is sent only the template's id and the placeholders' values — named by
their English twins for 阿里云 (``${plate}`` in its template), in order of first
appearance for 腾讯云 (``{1}``, ``{2}``, …).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .templates import PLACEHOLDERS

SINGLE_SEGMENT = 70  # characters, signature included (both providers, and the carriers, count this way)
PART_SEGMENT = 67  # characters per segment once a message is longer
_PLACEHOLDER = re.compile(r"\{\{\s*([^\s|}]+)")
_ENGLISH = {**PLACEHOLDERS, **{en: en for en in PLACEHOLDERS.values()}}


def segments(text: str) -> int:
    return 1 if len(text) <= SINGLE_SEGMENT else math.ceil(len(text) / PART_SEGMENT)


def parameter_names(template_source: str) -> list[str]:
    """The placeholders of a template (English names), in order of first appearance."""
    names = []
    for found in _PLACEHOLDER.findall(template_source):
        name = _ENGLISH.get(found)
        if name and name not in names:
            names.append(name)
    return names


@dataclass(frozen=True)
class Sms:
    template_id: str  # the provider-approved template ('' when the outbox stands in for a provider)
    params: tuple[tuple[str, str], ...]  # (English placeholder name, value), in the template's order
    text: str  # what the customer reads: 【signature】 and the rendered 正文

    @property
    def segments(self) -> int:
        return segments(self.text)

    @property
    def values(self) -> list[str]:
        return [value for _, value in self.params]


def compose(template_id: str, body_source: str, values: dict[str, str], rendered_body: str, signature: str) -> Sms:
    """The SMS for one message: ``values`` keyed by the Chinese placeholders, as the e-mail is rendered."""
    english = {PLACEHOLDERS[k]: v for k, v in values.items() if k in PLACEHOLDERS}
    params = tuple((name, english.get(name, "")) for name in parameter_names(body_source))
    return Sms(template_id, params, f"【{signature}】{rendered_body.strip()}" if signature else rendered_body.strip())
