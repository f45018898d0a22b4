"""A realistic demo workbook: a few hundred customers, their cars, repairs, calls and complaints.

Dates are laid out around ``today`` so that every rule has something due, and a
handful of rows are deliberately wrong so the 数据问题 tab has something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from .workbook.template import build_template

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌宇浩然梓涵一诺欣怡子轩雨桐思远佳琪俊杰晓东海燕春梅雪峰"
MODELS = ("朗逸", "速腾", "迈腾", "途观L", "帕萨特", "宝来", "探岳", "ID.4", "凌渡", "途岳")
DISTRICTS = ("南山区", "福田区", "罗湖区", "宝安区", "龙岗区", "龙华区")
STREETS = ("科技园路", "深南大道", "福华路", "创业路", "布吉路", "民治大道", "新安路")
BRANCHES = ("总店", "宝安分店", "龙岗分店")
TIERS = ("普通会员", "银卡会员", "金卡会员", "钻石会员")
ADVISORS = ("陈志强", "林晓燕", "黄海涛", "周静")
CLERKS = ("刘敏", "张丽", "吴杰")
STAFF = ("李娜", "王芳", "赵磊")
DEPARTMENTS = ("售后服务部", "销售部", "配件部", "车间")
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
DECLINED_WORK = ("刹车片", "轮胎", "刹车片、轮胎", "空调滤芯", "雨刮片", "蓄电池")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _vin(rng: random.Random) -> str:
    return "LSV" + "".join(rng.choice(VIN_CHARS) for _ in range(14))


def _plate(rng: random.Random) -> str:
    return "粤B" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(5))


def demo_rows(today: dt.date, customers: int = 300, seed: int = 2026) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    # The retention columns (SPEC 5.7) draw from their own stream, so the rest of the demo stays as it was.
    extra = random.Random(seed + 1)
    day = dt.timedelta(days=1)
    rows: dict[str, list[dict]] = {k: [] for k in ("customers", "vehicles", "services", "visits", "complaints", "handover",
                                                    "rectification_log")}

    for n in range(1, customers + 1):
        cid = f"C{n:05d}"
        if n % 15 == 0:  # someone whose birthday is coming up this week
            birthday = (today + rng.randint(2, 7) * day).replace(year=rng.randint(1965, 2000))
        else:
            birthday = dt.date(rng.randint(1960, 2002), rng.randint(1, 12), rng.randint(1, 28))
        if n == 29:
            birthday = dt.date(1988, 2, 29)
        rows["customers"].append({
            "customer_id": cid,
            "name": _name(rng),
            "gender": rng.choice(("男", "女")),
            "birthday": birthday if rng.random() > 0.05 else None,
            "lunar_birthday": "是" if n % 11 == 0 else "否",
            "phone": "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9)),
            "email": f"{cid.lower()}@example.com" if rng.random() < 0.75 else None,
            "address": f"深圳市{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{rng.randint(1, 999)}号",
            "member_tier": rng.choice(TIERS),
            "branch": rng.choice(BRANCHES),
            "opt_out": "是" if n % 37 == 0 else "否",
            "opt_out_greetings": "是" if n % 23 == 0 else "否",
            "consent": extra.choices(("是", "否", None), weights=(7, 1, 2))[0],
        })
        for _ in range(1 if rng.random() < 0.8 else 2):
            vin = _vin(rng)
            delivered = today - rng.randint(1, 760) * day
            second = rng.random() < 0.12
            invoice = delivered - rng.randint(0, 5) * day if second else None
            anniversary = delivered.replace(year=today.year) if not (delivered.month == 2 and delivered.day == 29) else delivered
            rows["vehicles"].append({
                "vin": vin, "plate": _plate(rng), "customer_id": cid, "model": rng.choice(MODELS),
                "delivery_date": delivered, "outlet_level": "二级" if second else "一级", "invoice_date": invoice,
                "price": float(rng.randrange(120_000, 380_000, 1000)),
                "insurance_due": anniversary if anniversary >= today else anniversary.replace(year=today.year + 1),
                "inspection_due": today + rng.randint(-30, 400) * day,
                "maintenance_due": today + rng.randint(-10, 180) * day,
                "vehicle_tax_due": today + rng.randint(0, 365) * day,
                "warranty_due": delivered + extra.choice((2, 3, 3)) * 365 * day,  # 2 or 3 years, as the makers give
            })
            if extra.random() < 0.6:  # most archives leave 下次保养日期 empty: the prediction takes over
                rows["vehicles"][-1]["maintenance_due"] = None
            km_per_day = extra.choice((15, 25, 30, 40, 55, 70)) if extra.random() > 0.03 else 320  # now and then a taxi
            age = (today - delivered).days
            # calls are logged on or after their day, never after today
            for kind, after, chance in (("7DC", 7, 0.9), ("月回访", 30, 0.8), ("季度回访", 90, 0.6), ("年回访", 365, 0.7)):
                if age >= after and rng.random() < chance:
                    rows["visits"].append(_visit(rng, cid, vin, kind, min(today, delivered + (after + rng.randint(0, 4)) * day)))
            if age <= 20:
                submitted = delivered + rng.randint(0, 4) * day
                rows["handover"].append({
                    "vin": vin, "event": "新车交车", "event_date": delivered,
                    "submitted_date": submitted if submitted <= today and rng.random() < 0.7 else None,
                    "clerk": rng.choice(CLERKS),
                })
            for _ in range(rng.randint(0, 3)):
                date_in = delivered + rng.randint(20, max(21, age)) * day
                if date_in > today:
                    continue
                date_out = min(today, date_in + rng.randint(0, 3) * day)
                order_no = f"WO{date_in:%y%m%d}{rng.randint(0, 9999):04d}"
                rows["services"].append({
                    "order_no": order_no, "vin": vin, "date_in": date_in, "date_out": date_out,
                    "kind": rng.choice(("保养", "保养", "维修", "事故", "索赔")),
                    "amount": float(rng.randrange(300, 20_000, 10)), "advisor": rng.choice(ADVISORS),
                    "mileage": float(round((date_in - delivered).days * km_per_day + 12, -1)),
                    "recommended": extra.choice(DECLINED_WORK) if extra.random() < 0.15 else None,
                })
                if (today - date_out).days >= 3 and rng.random() < 0.85:
                    visit = _visit(rng, cid, vin, "3DC", min(today, date_out + rng.randint(3, 5) * day))
                    visit["order_no"] = order_no
                    rows["visits"].append(visit)
                if (today - date_out).days <= 5:
                    rows["handover"].append({
                        "vin": vin, "event": "维修交车", "event_date": date_out,
                        "submitted_date": date_out + day if rng.random() < 0.6 and date_out < today else None,
                        "clerk": rng.choice(CLERKS),
                    })

    for n in range(1, max(2, customers // 12)):
        owner = rng.choice(rows["vehicles"])
        received = today - rng.randint(0, 90) * day
        status = rng.choice(("待处理", "处理中", "已解决", "已关闭", "已关闭"))
        closed = status in ("已解决", "已关闭")
        closed_on = received + rng.randint(1, 6) * day if closed else None
        rows["complaints"].append({
            "complaint_id": f"TS{n:04d}", "received_date": received, "customer_id": owner["customer_id"],
            "vin": owner["vin"], "channel": rng.choice(("电话", "来店", "网络", "信函", "厂家")),
            "category": rng.choice(("服务质量", "维修技术", "配件供应", "配件价格", "产品质量", "新车销售")),
            "severity": "重大" if rng.random() < 0.1 else "一般", "department": rng.choice(DEPARTMENTS),
            "status": status, "due_date": received + rng.choice((3, 3, 5, 7)) * day,
            "resolution": "已处理，客户认可" if closed else None,
            "confirmed_date": received + rng.choice((0, 1, 1, 2)) * day if rng.random() < 0.9 else None,
            "closed_date": closed_on,
            "feedback_date": closed_on + rng.randint(0, 2) * day if closed and rng.random() < 0.85 else None,
            "satisfied": rng.choice(("是", "是", "否")) if closed else None,
        })

    _add_retention_examples(rows, today)
    _add_paperwork(rows, today, random.Random(seed + 2))
    _add_mistakes(rows, today)
    return rows


# `csxl demo` runs the reminders of this many days ago first, as a shop's scheduler would have.
HISTORY_DAYS = 20


def _add_retention_examples(rows: dict[str, list[dict]], today: dt.date) -> None:
    """Two cars with no 下次保养日期 whose predicted service falls in the coming week: one by the 12-month interval,
    one a taxi by its mileage (SPEC 5.7)."""
    day = dt.timedelta(days=1)
    serviced = {order["vin"] for order in rows["services"]}
    idle = [car for car in rows["vehicles"] if car["vin"] not in serviced and car["delivery_date"] < today - 400 * day]
    if len(idle) < 2:
        return
    by_interval, taxi = idle[0], idle[1]
    by_interval["maintenance_due"] = taxi["maintenance_due"] = None
    last = (today.replace(year=today.year - 1) if not (today.month == 2 and today.day == 29) else today - 365 * day) + 3 * day
    rows["services"].append({"order_no": f"WO{last:%y%m%d}0001", "vin": by_interval["vin"], "date_in": last, "date_out": last,
                             "kind": "保养", "amount": 680.0, "advisor": ADVISORS[0], "mileage": 15230.0})
    for order, (ago, kind, km) in enumerate(((60, "维修", 41_000.0), (30, "保养", 50_000.0)), start=2):
        on = today - ago * day
        rows["services"].append({"order_no": f"WO{on:%y%m%d}000{order}", "vin": taxi["vin"], "date_in": on, "date_out": on,
                                 "kind": kind, "amount": 900.0, "advisor": ADVISORS[1], "mileage": km})


COMPLAINT_WORDS = {
    "服务质量": "客户反映保养后取车等了一个多小时，前台没有主动说明原因，态度冷淡。",
    "维修技术": "上周更换的刹车片，行驶三天后刹车有异响，客户要求免费返修并解释原因。",
    "配件供应": "空调压缩机订货已两周仍未到，客户每天需要用车，要求给出到货日期或提供代步车。",
    "配件价格": "客户认为更换前大灯总成报价比外面高出近三成，要求说明价格构成。",
    "产品质量": "新车行驶不到三千公里，中控屏多次黑屏重启，客户担心行车安全。",
    "新车销售": "提车时发现赠送的脚垫和行车记录仪未安装，销售顾问此前承诺会装好。",
}
RESOLUTIONS = {
    "服务质量": "前台主管致电致歉，赠送一次免费洗车；前台晨会通报，取车超时须主动告知。",
    "维修技术": "客户到店复检，重新打磨安装刹车片并试车确认无异响，免收工时费。",
    "配件供应": "向厂家加急调货，三日内到货安装，其间提供代步车。",
    "配件价格": "服务顾问逐项说明配件与工时价格，按会员价下调 10%，客户接受。",
    "产品质量": "升级中控系统软件，厂家技术支持远程确认，试用一周未再出现。",
    "新车销售": "销售经理致歉，当日上门补装脚垫和行车记录仪。",
}
SCORES = ("overall", "reliability", "responsiveness", "assurance", "empathy", "tangibles")
RESPONSIBLE = {"3DC": "售后服务部", "7DC": "销售部", "月回访": "销售部", "季度回访": "销售部", "年回访": "售后服务部"}
ACTIONS = {"等待时间太长": "增开一个快保工位，预约客户优先进厂", "洗车不干净": "洗车房加一道检查，交车前由前台复核",
           "价格解释不清楚": "结算前由服务顾问逐项说明费用", "休息区太吵": "休息区电视调低音量，增设安静区"}


def _add_paperwork(rows: dict[str, list[dict]], today: dt.date, rng: random.Random) -> None:
    """What the clerks and managers record of the loops (seed 001): the documents each hand-over brought
    (now and then one missing), and the rectification of most recent low-score visits."""
    from .settings import Settings

    defaults = Settings()
    for complaint in rows["complaints"]:  # what the customer said, in the words a clerk writes down
        complaint["content"] = COMPLAINT_WORDS[complaint["category"]]
        if complaint.get("resolution"):
            complaint["resolution"] = RESOLUTIONS[complaint["category"]]
    for handover in rows["handover"]:
        if not handover.get("submitted_date"):
            continue
        names = [r.names[0] for r in defaults.documents(handover["event"]) if not r.optional or rng.random() < 0.3]
        if rng.random() < 0.15:
            names.remove(rng.choice(names))
        handover["documents"] = "、".join(names)
    day = dt.timedelta(days=1)
    for visit in rows["visits"]:
        low = visit.get("needs_action") == "是" or any(visit.get(key, 10) <= 6 for key in SCORES)
        if not low or (today - visit["visit_date"]).days > 40 or rng.random() < 0.1:
            continue
        done = visit["visit_date"] + rng.randint(1, 9) * day
        record = {"visit_date": visit["visit_date"], "vin": visit["vin"], "kind": visit["kind"],
                  "department": RESPONSIBLE.get(visit["kind"], "客服部"),
                  "action": ACTIONS.get(visit.get("comment"), "部门内部通报，跟进改善"),
                  "done_date": done if done <= today - day else None}
        called = done + rng.randint(3, 5) * day if record["done_date"] else None
        if called and called <= today:
            record.update(revisit_date=called, revisit_result="满意" if rng.random() < 0.8 else "不满意")
        rows["rectification_log"].append(record)


def _visit(rng: random.Random, cid: str, vin: str, kind: str, date: dt.date) -> dict:
    reached = rng.random() < 0.85
    visit = {"visit_date": date, "customer_id": cid, "vin": vin, "kind": kind, "staff": rng.choice(STAFF),
             "result": "成功" if reached else "未接通"}
    if reached:
        for key in SCORES:
            visit[key] = rng.choice((10, 10, 9, 9, 8, 8, 7, 6, 5))
        visit["needs_action"] = "是" if visit["overall"] <= 6 else "否"
        if visit["needs_action"] == "是":
            visit["comment"] = rng.choice(("等待时间太长", "洗车不干净", "价格解释不清楚", "休息区太吵"))
    return visit


def _add_mistakes(rows: dict[str, list[dict]], today: dt.date) -> None:
    """The kinds of slips a real archive has, so 数据问题 has something to show."""
    customers, vehicles = rows["customers"], rows["vehicles"]
    customers[3]["birthday"] = "1985年13月2日"
    customers[7]["phone"] = "138 0013 800"  # kept as text: not a problem, just untidy
    customers.append(dict(customers[5], name=customers[5]["name"] + "（重复）"))  # duplicate customer id
    vehicles[2]["insurance_due"] = "明年三月"
    vehicles.append(dict(vehicles[4], vin="LSVDEMO0000000001", customer_id="C99999"))  # owner not in the archive
    rows["visits"][0]["overall"] = 11
    rows["visits"][1]["kind"] = "电话回访"
    rows["services"][0]["date_out"] = "2026-02-30"
    rows["services"][4]["mileage"] = 12_345_670.0  # a digit too many
    rows["complaints"][0]["status"] = "搁置"


# A desk that reaches customers by SMS where it can (with no 短信服务商 yet, each SMS is a .sms.txt in the outbox),
# and sends greetings only to customers who agreed to marketing messages, as MIIT's rules ask.
DEMO_SETTINGS = {"send_channel": "短信优先", "sms_signature": "演示汽车", "marketing_needs_consent": "是"}


def build_demo(path: Path, today: dt.date, customers: int = 300, lang: str = "zh") -> Path:
    return build_template(path, lang=lang, overwrite=True, rows=demo_rows(today, customers), settings=DEMO_SETTINGS)
