"""回访话术: what the clerk says on each kind of follow-up call, and which score column each question fills.

``init`` seeds the 回访话术 sheet with these; the managers edit them there.
"""

from __future__ import annotations

import pandas as pd

_CLOSING = "感谢您的配合！用车中有任何问题，随时打我们的服务电话，祝您生活愉快、出行平安！"
_QUESTIONS = {
    "7DC": [
        ("对这次购车的整体体验，1 到 10 分，您打几分？", "overall"),
        ("销售顾问接待您时的态度，您打几分？", "empathy"),
        ("交车时车辆功能和保养事项讲解得清楚吗？请打分。", "assurance"),
        ("从签约到提车的速度，您满意吗？请打分。", "responsiveness"),
        ("展厅环境和交车仪式，您打几分？", "tangibles"),
        ("新车这几天用下来，有没有发现什么问题？", None),
    ],
    "3DC": [
        ("对这次维修保养的整体服务，1 到 10 分，您打几分？", "overall"),
        ("送修的问题这次修好了吗？车辆现在正常吗？请打分。", "reliability"),
        ("接车、施工和交车的速度，您满意吗？请打分。", "responsiveness"),
        ("服务顾问的态度和费用说明，您打几分？", "empathy"),
        ("休息区和交车时车辆的清洁，您打几分？", "tangibles"),
    ],
    "月回访": [
        ("新车用了一个月，整体满意度 1 到 10 分，您打几分？", "overall"),
        ("车辆使用中有没有异响、报警灯或其他问题？请为车辆的可靠性打分。", "reliability"),
        ("首保时间和注意事项，销售顾问跟您说清楚了吗？", None),
    ],
    "季度回访": [
        ("对我们店的整体服务，1 到 10 分，您打几分？", "overall"),
        ("车辆使用三个月来是否正常？请为可靠性打分。", "reliability"),
        ("我们的客服和服务顾问联系您时，态度如何？请打分。", "empathy"),
    ],
    "年回访": [
        ("车辆使用一年，对我们店的整体服务您打几分？", "overall"),
        ("这一年车辆是否正常？请为可靠性打分。", "reliability"),
        ("保险、年审快到期了，需要我们帮您预约或办理吗？", None),
    ],
}
_OPENINGS = {
    "7DC": "您好，我是{门店}客服中心的回访专员。您前几天在我们这里提了新车，想占用您两分钟了解一下购车和交车的感受，方便吗？",
    "3DC": "您好，我是{门店}客服中心的回访专员。您前几天在我们这里做了维修保养，想占用您两分钟了解一下车辆和服务的情况，方便吗？",
    "月回访": "您好，我是{门店}客服中心的回访专员。您的新车已经用了一个月，想了解一下车辆的使用情况，方便吗？",
    "季度回访": "您好，我是{门店}总经办的回访专员。您的新车已经用了三个月，想听听您对车和我们服务的意见，方便吗？",
    "年回访": "您好，我是{门店}客服中心的回访专员。您的爱车已经陪伴您一年了，想了解一下使用情况，方便吗？",
}


def default_rows() -> list[dict]:
    """The 回访话术 rows ``init`` writes: per follow-up kind an opening, its questions, a closing."""
    rows = []
    for kind, questions in _QUESTIONS.items():
        rows.append({"kind": kind, "part": "开场", "text": _OPENINGS[kind].replace("{门店}", "")})
        rows += [{"kind": kind, "part": "问题", "text": text, "score": score} for text, score in questions]
        rows.append({"kind": kind, "part": "结束", "text": _CLOSING})
    return rows


def script_for(scripts: pd.DataFrame, kind: str) -> dict:
    """{"opening": str, "questions": [(text, score column or None)], "closing": str} of one visit kind (the sheet's rows)."""
    rows = scripts[scripts["kind"] == kind]
    parts = {part: rows[rows["part"] == part] for part in ("开场", "问题", "结束")}
    return {
        "opening": "\n".join(parts["开场"]["text"].astype(str)),
        "questions": [(str(t), None if pd.isna(s) else str(s)) for t, s in zip(parts["问题"]["text"], parts["问题"]["score"])],
        "closing": "\n".join(parts["结束"]["text"].astype(str)),
    }
