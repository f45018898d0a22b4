"""The journal as the 发送记录 tab shows it."""

from __future__ import annotations

import pandas as pd

from .journal import DELIVERY_LABELS, SENT, STATE_LABELS

CHANNEL_LABELS = {
    "zh": {"outbox": "发件箱", "smtp": "邮件", "aliyun": "短信(阿里云)", "tencent": "短信(腾讯云)"},
    "en": {"outbox": "outbox", "smtp": "e-mail", "aliyun": "SMS (阿里云)", "tencent": "SMS (腾讯云)"},
}
RECEIPT_CHANNELS = ("aliyun", "tencent")  # the channels whose provider reports delivery
UNKNOWN_DELIVERY = "未知"
REASON_LABELS = {
    "zh": {"opted_out": "客户拒收", "no_address": "无邮箱，请电话联系", "expired": "已过时效，未发送",
           "no_mobile": "无手机号，请电话联系", "no_contact": "无手机和邮箱", "no_sms_template": "消息模板未填短信模板编号",
           "replied_opt_out": "客户回复退订", "held_over_cap": "超出联系上限，顺延", "over_cap": "超出联系上限",
           "outside_hours": "不在发送时段，顺延", "no_consent": "客户未同意接收营销消息"},
    "en": {"opted_out": "customer opted out", "no_address": "no e-mail address; call instead", "expired": "window passed; not sent",
           "no_mobile": "no mobile; call instead", "no_contact": "no mobile or e-mail", "no_sms_template": "no SMS template id on 消息模板",
           "replied_opt_out": "customer replied TD", "held_over_cap": "over the contact cap; waits", "over_cap": "over the contact cap",
           "outside_hours": "outside sending hours; waits", "no_consent": "no consent to marketing messages"},
}


def sent_log_frame(journal_rows: pd.DataFrame, lang: str, timezone: str = "Asia/Shanghai") -> pd.DataFrame:
    frame = journal_rows.copy()
    # The journal stamps carry their UTC offset; the tab shows the local time the desk works in, as a real date-time.
    frame["updated_at"] = pd.to_datetime(frame["updated_at"], utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
    awaiting = (frame["state"] == SENT) & frame["channel"].isin(RECEIPT_CHANNELS)
    frame["delivery"] = frame["delivery"].map(DELIVERY_LABELS)
    frame.loc[frame["delivery"].isna() & awaiting, "delivery"] = UNKNOWN_DELIVERY
    frame["state"] = frame["state"].map(STATE_LABELS)
    frame["channel"] = frame["channel"].map(lambda c: CHANNEL_LABELS[lang].get(c, c))
    frame["reason"] = frame["reason"].map(lambda r: REASON_LABELS[lang].get(r, r) if isinstance(r, str) else r)
    return frame
