"""The journal as the 发送记录 tab shows it."""

from __future__ import annotations

import pandas as pd

from .journal import STATE_LABELS

CHANNEL_LABELS = {"zh": {"outbox": "发件箱", "smtp": "邮件"}, "en": {"outbox": "outbox", "smtp": "e-mail"}}
REASON_LABELS = {
    "zh": {"opted_out": "客户拒收", "no_address": "无邮箱，请电话联系", "expired": "已过时效，未发送"},
    "en": {"opted_out": "customer opted out", "no_address": "no e-mail address; call instead", "expired": "window passed; not sent"},
}


def sent_log_frame(journal_rows: pd.DataFrame, lang: str, timezone: str = "Asia/Shanghai") -> pd.DataFrame:
    frame = journal_rows.copy()
    # The journal stamps carry their UTC offset; the tab shows the local time the desk works in, as a real date-time.
    frame["updated_at"] = pd.to_datetime(frame["updated_at"], utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
    frame["state"] = frame["state"].map(STATE_LABELS)
    frame["channel"] = frame["channel"].map(lambda c: CHANNEL_LABELS[lang].get(c, c))
    frame["reason"] = frame["reason"].map(lambda r: REASON_LABELS[lang].get(r, r) if isinstance(r, str) else r)
    return frame
