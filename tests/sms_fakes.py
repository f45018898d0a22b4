"""Loopback stand-ins for 阿里云短信 and 腾讯云短信, driven by the providers' real SDKs.

No provider offers a sandbox, so each fake does, on 127.0.0.1, what csxl depends on:

- it checks each request as the provider does: the action and API version headers,
  the required parameters, and the signature, recomputed from the test secret
  (阿里云: ACS3-HMAC-SHA256, the V3 request signature of
  https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature ,
  as `alibabacloud_tea_openapi.utils.Utils.get_authorization` computes it;
  腾讯云: TC3-HMAC-SHA256 of https://cloud.tencent.com/document/api/382/52071 );
- it refuses an unapproved signature or template, a malformed number, a template given
  the wrong parameters, and sends past the day's cap per number (阿里云: 50 a day per
  number for one signature and template, every accepted request counting,
  https://help.aliyun.com/zh/sms/user-guide/set-throttling-policies ;
  腾讯云: its 单个手机号日下发条数 limit, LimitExceeded.PhoneNumberDailyLimit);
- it answers in the providers' JSON shapes (阿里云 SendSms/QuerySendDetails:
  https://help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-2017-05-25-sendsms ;
  腾讯云 SendSms, PullSmsSendStatus, PullSmsReplyStatus, PullSmsSendStatusByPhoneNumber:
  https://cloud.tencent.com/document/api/382/55981 and its siblings);
- it keeps receipts (one per accepted message) and replies, and serves them: 腾讯云's
  pull queues hand each out once (the fake can hand them out twice, as a provider may);
  阿里云's QuerySendDetails answers by number and day.

Test helpers: ``stall_next`` (accept a send, then answer only after the client's time-out), ``queries_fail``,
``fail_number`` (a receipt of 空号/停机 for that number), ``reply`` (an uplink SMS),
``duplicate_queues`` (every receipt and reply is pulled twice).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

MOBILE = re.compile(r"1[3-9]\d{9}")
CHINA = dt.timezone(dt.timedelta(hours=8))


def segments(text: str) -> int:
    return 1 if len(text) <= 70 else -(-len(text) // 67)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in separate writes: without this, each answer waits out a delayed ACK

    def log_message(self, *args):  # keep the test output clean
        pass

    def do_POST(self):  # noqa: N802 - the stdlib's name
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, payload = self.server.fake.handle(self.command, self.path, self.headers, body)
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", self.server.fake.content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (a stalled answer): as on the real network
            pass


class _Fake:
    daily_cap = 50
    content_type = "application/json;charset=utf-8"

    def __init__(self, key_id: str, secret: str, signatures: set[str], templates: dict[str, str]):
        self.key_id, self.secret = key_id, secret
        self.signatures = set(signatures)
        self.templates = dict(templates)  # template id → its approved text (阿里云 ${name}, 腾讯云 {1} placeholders)
        self.accepted: list[dict] = []  # every message the fake accepted, in order
        self.requests = Counter()  # action → requests that reached the fake (including refused ones)
        self.refused: list[str] = []  # why each refused request was refused
        self.balance = 10**9  # segments the account can still pay for
        self.failing: dict[str, str] = {}  # number → the failure its receipts report
        self.replies: list[dict] = []
        self.duplicate_queues = False
        self.queries_fail = False  # the provider's query APIs answer with a server error (an outage on its side)
        self._stall = 0
        self._stall_seconds = 0.0
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # test controls -------------------------------------------------------------------
    def stall_next(self, seconds: float, count: int = 1) -> None:
        """Accept the next ``count`` sends, then answer each only after ``seconds`` (past the client's time-out)."""
        self._stall, self._stall_seconds = count, seconds

    def fail_number(self, number: str, reason: str) -> None:
        self.failing[number] = reason

    def sent_to(self, number: str) -> list[dict]:
        return [m for m in self.accepted if m["number"] == number]

    def _accept(self, number: str, sign: str, template: str, params, text: str, context: str) -> dict:
        today = dt.datetime.now(CHINA).date()
        same = sum(1 for m in self.accepted if m["number"] == number and m["sign"] == sign and m["template"] == template and m["day"] == today)
        if same >= self.daily_cap:
            return {"refused": "cap"}
        if self.balance < segments(text):
            return {"refused": "balance"}
        self.balance -= segments(text)
        message = {"id": f"{next(self._ids):08d}", "number": number, "sign": sign, "template": template, "params": params,
                   "text": text, "context": context, "day": today, "at": dt.datetime.now(CHINA),
                   "failure": self.failing.get(number), "pulled": 0}
        self.accepted.append(message)
        return message

    def _after_accept(self):
        if self._stall:
            self._stall -= 1
            time.sleep(self._stall_seconds)

    def _refuse(self, why: str):
        self.refused.append(why)

    def _text(self, sign: str, template: str, params) -> str:
        """The SMS the handset shows: 【signature】 and the approved text with the parameters put in."""
        text = self.templates[template]
        if isinstance(params, dict):
            text = re.sub(r"\$\{(\w+)\}", lambda m: params[m.group(1)], text)
        else:
            text = re.sub(r"\{(\d+)\}", lambda m: params[int(m.group(1)) - 1], text)
        return f"【{sign}】{text}"


class FakeAliyun(_Fake):
    """阿里云短信 (dysmsapi 2017-05-25): SendSms and QuerySendDetails."""

    VERSION = "2017-05-25"

    def handle(self, method, path, headers, body):
        action = headers.get("x-acs-action", "")
        with self._lock:
            self.requests[action] += 1
        query = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
        problem = self._signature_problem(method, urlsplit(path).path or "/", query, headers, body)
        if problem:
            self._refuse(problem)
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature does not match our calculation.",
                         "RequestId": self._request_id()}
        if headers.get("x-acs-version") != self.VERSION:
            self._refuse("version")
            return 400, {"Code": "InvalidVersion", "Message": "Specified parameter Version is not valid.", "RequestId": self._request_id()}
        if action == "SendSms":
            return self._send(query)
        if action == "QuerySendDetails":
            if self.queries_fail:
                return 503, {"Code": "ServiceUnavailable", "Message": "The request has failed due to a temporary failure of the server.",
                             "RequestId": self._request_id()}
            return self._query(query)
        self._refuse(f"action {action}")
        return 404, {"Code": "InvalidAction.NotFound", "Message": f"Specified api is not found: {action}", "RequestId": self._request_id()}

    def _request_id(self) -> str:
        return f"FAKE-{next(self._ids):08d}"

    def _signature_problem(self, method, pathname, query, headers, body) -> str | None:
        auth = headers.get("Authorization", "")
        match = re.fullmatch(r"ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)", auth)
        if not match:
            return "no ACS3-HMAC-SHA256 Authorization header"
        key_id, signed, signature = match.groups()
        if key_id != self.key_id:
            return "unknown AccessKeyId"
        payload_hash = hashlib.sha256(body).hexdigest()
        if headers.get("x-acs-content-sha256") != payload_hash:
            return "x-acs-content-sha256 does not match the body"
        names = signed.split(";")
        if not {"host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"} <= set(names):
            return "required headers not signed"
        canonical_headers = "".join(f"{name}:{(headers.get(name) or '').strip()}\n" for name in names)
        canonical_query = "&".join(f"{k}={quote(query[k], safe='~')}" for k in sorted(query))
        canonical = f"{method}\n{pathname}\n{canonical_query}\n{canonical_headers}\n{signed}\n{payload_hash}"
        to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        expected = hmac.new(self.secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        return None if hmac.compare_digest(expected, signature) else "signature mismatch"

    def _send(self, query):
        rid = self._request_id()
        for name in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not query.get(name):
                self._refuse(f"missing {name}")
                return 400, {"Code": "MissingParameter", "Message": f"{name} is mandatory for this action.", "RequestId": rid}
        number, sign, template = query["PhoneNumbers"], query["SignName"], query["TemplateCode"]

        def answer(code: str, message: str):
            self._refuse(code)
            return 200, {"Code": code, "Message": message, "RequestId": rid}

        if sign not in self.signatures:
            return answer("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        if template not in self.templates:
            return answer("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        if not MOBILE.fullmatch(number):
            return answer("isv.MOBILE_NUMBER_ILLEGAL", "手机号码格式错误")
        try:
            params = json.loads(query.get("TemplateParam") or "{}")
        except ValueError:
            return answer("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        wanted = set(re.findall(r"\$\{(\w+)\}", self.templates[template]))
        if not isinstance(params, dict) or set(params) != wanted or not all(isinstance(v, str) for v in params.values()):
            return answer("isv.TEMPLATE_MISSING_PARAMETERS", "模板缺少变量")
        with self._lock:
            message = self._accept(number, sign, template, params, self._text(sign, template, params), query.get("OutId", ""))
        if message.get("refused") == "cap":
            return answer("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:50")
        if message.get("refused") == "balance":
            return answer("isv.AMOUNT_NOT_ENOUGH", "账户余额不足")
        self._after_accept()
        return 200, {"Code": "OK", "Message": "OK", "BizId": f"{message['id']}^0", "RequestId": rid}

    def _query(self, query):
        rid = self._request_id()
        for name in ("PhoneNumber", "SendDate", "PageSize", "CurrentPage"):
            if not query.get(name):
                self._refuse(f"missing {name}")
                return 400, {"Code": "MissingParameter", "Message": f"{name} is mandatory for this action.", "RequestId": rid}
        day = dt.datetime.strptime(query["SendDate"], "%Y%m%d").date()
        if (dt.datetime.now(CHINA).date() - day).days > 30:
            return 200, {"Code": "isv.DAY_LIMIT_CONTROL", "Message": "只能查询30天内的记录", "RequestId": rid}
        size, page = int(query["PageSize"]), int(query["CurrentPage"])
        if not 1 <= size <= 50:
            return 200, {"Code": "isv.INVALID_PARAMETERS", "Message": "PageSize 1-50", "RequestId": rid}
        found = [m for m in self.accepted if m["number"] == query["PhoneNumber"] and m["day"] == day
                 and (not query.get("BizId") or f"{m['id']}^0" == query["BizId"])]
        shown = found[(page - 1) * size: page * size]
        return 200, {
            "Code": "OK", "Message": "OK", "RequestId": rid, "TotalCount": str(len(found)),
            "SmsSendDetailDTOs": {"SmsSendDetailDTO": [{
                "PhoneNum": m["number"], "SendStatus": 2 if m["failure"] else 3,
                "ErrCode": m["failure"] or "DELIVERED", "TemplateCode": m["template"], "Content": m["text"],
                "SendDate": f"{m['at']:%Y-%m-%d %H:%M:%S}", "ReceiveDate": f"{m['at']:%Y-%m-%d %H:%M:%S}", "OutId": m["context"],
            } for m in shown]},
        }


class FakeTencent(_Fake):
    """腾讯云短信 (sms 2021-01-11): SendSms, PullSmsSendStatus, PullSmsReplyStatus, PullSmsSendStatusByPhoneNumber."""

    VERSION = "2021-01-11"
    content_type = "application/json"  # exactly this: the SDK looks for Response.Error only under it

    def __init__(self, key_id, secret, signatures, templates, app_id: str):
        super().__init__(key_id, secret, signatures, templates)
        self.app_id = app_id
        self._receipt_queue: list[dict] = []
        self._reply_queue: list[dict] = []

    def handle(self, method, path, headers, body):
        action = headers.get("X-TC-Action", "")
        with self._lock:
            self.requests[action] += 1
        rid = f"fake-{next(self._ids):08d}"

        def error(code, message):
            self._refuse(code)
            return 200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": rid}}

        problem = self._signature_problem(method, headers, body)
        if problem:
            self.refused.append(problem)
            return error("AuthFailure.SignatureFailure", "The provided credentials could not be validated. " + problem)
        if headers.get("X-TC-Version") != self.VERSION:
            return error("InvalidParameterValue", "version")
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return error("InvalidParameter", "body is not JSON")
        if params.get("SmsSdkAppId") != self.app_id:
            return error("FailedOperation.SmsSdkAppIdVerifyFail", "SdkAppId verify failed")
        handler = {"SendSms": self._send, "PullSmsSendStatus": self._pull_receipts, "PullSmsReplyStatus": self._pull_replies,
                   "PullSmsSendStatusByPhoneNumber": self._receipts_of_number}.get(action)
        if handler is None:
            return error("InvalidAction", f"action {action}")
        if self.queries_fail and action != "SendSms":
            return error("InternalError", "内部错误")
        return handler(params, rid, error)

    def _signature_problem(self, method, headers, body) -> str | None:
        auth = headers.get("Authorization", "")
        match = re.fullmatch(r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/sms/tc3_request, "
                             r"SignedHeaders=content-type;host, Signature=([0-9a-f]+)", auth)
        if not match:
            return "no TC3-HMAC-SHA256 Authorization header"
        key_id, date, signature = match.groups()
        if key_id != self.key_id:
            return "unknown SecretId"
        timestamp = headers.get("X-TC-Timestamp", "0")
        if abs(time.time() - int(timestamp)) > 300:
            return "timestamp expired"
        if dt.datetime.fromtimestamp(int(timestamp), dt.UTC).strftime("%Y-%m-%d") != date:
            return "credential date"
        canonical = "\n".join([
            method, "/", "", f"content-type:{headers.get('Content-Type')}\nhost:{headers.get('Host')}\n",
            "content-type;host", hashlib.sha256(body).hexdigest(),
        ])
        scope = f"{date}/sms/tc3_request"
        to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"

        def sign(key: bytes, text: str) -> bytes:
            return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()

        key = sign(sign(sign(("TC3" + self.secret).encode("utf-8"), date), "sms"), "tc3_request")
        expected = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        return None if hmac.compare_digest(expected, signature) else "signature mismatch"

    def _send(self, params, rid, error):
        numbers = params.get("PhoneNumberSet") or []
        if not numbers or len(numbers) > 200:
            return error("LimitExceeded.PhoneNumberCountLimit", "1-200 numbers a request")
        if params.get("SignName") not in self.signatures:
            return error("FailedOperation.SignatureIncorrectOrUnapproved", "签名未审批或格式错误")
        template = params.get("TemplateId")
        if template not in self.templates:
            return error("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配")
        values = params.get("TemplateParamSet") or []
        wanted = max((int(n) for n in re.findall(r"\{(\d+)\}", self.templates[template])), default=0)
        if len(values) != wanted or not all(isinstance(v, str) for v in values):
            return error("InvalidParameterValue.TemplateParameterFormatError", "验证码模板参数格式错误")
        statuses = []
        with self._lock:
            for raw in numbers:
                number = raw.removeprefix("+86")
                status = {"SerialNo": "", "PhoneNumber": raw, "Fee": 0, "SessionContext": params.get("SessionContext", ""),
                          "IsoCode": "CN"}
                if not (raw.startswith("+86") and MOBILE.fullmatch(number)):
                    statuses.append({**status, "Code": "InvalidParameterValue.IncorrectPhoneNumber", "Message": "手机号格式错误"})
                    continue
                message = self._accept(number, params["SignName"], template, values, self._text(params["SignName"], template, values),
                                       params.get("SessionContext", ""))
                if message.get("refused") == "cap":
                    self.refused.append("cap")
                    statuses.append({**status, "Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": "单个手机号日下发短信条数超过设定的上限"})
                    continue
                if message.get("refused") == "balance":
                    self.refused.append("balance")
                    statuses.append({**status, "Code": "FailedOperation.InsufficientBalanceInSmsPackage", "Message": "套餐包余量不足"})
                    continue
                self._receipt_queue.append(message)
                statuses.append({**status, "SerialNo": f"2433:{message['id']}", "Fee": segments(message["text"]),
                                 "Code": "Ok", "Message": "send success"})
        self._after_accept()
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": rid}}

    def _receipt(self, message: dict) -> dict:
        return {
            "UserReceiveTime": f"{message['at']:%Y-%m-%d %H:%M:%S}", "CountryCode": "86", "SubscriberNumber": message["number"],
            "PhoneNumber": "+86" + message["number"], "SerialNo": f"2433:{message['id']}",
            "ReportStatus": "FAIL" if message["failure"] else "SUCCESS",
            "Description": message["failure"] or "用户接收成功", "SessionContext": message["context"],
        }

    def _take(self, queue: list[dict], limit: int) -> list[dict]:
        with self._lock:
            taken = queue[:limit]
            times = 2 if self.duplicate_queues else 1
            for item in taken:
                item["pulled"] += 1
            queue[:] = [item for item in queue if item["pulled"] < times]
        return taken

    def _pull_receipts(self, params, rid, error):
        limit = int(params.get("Limit", 0))
        if not 1 <= limit <= 100:
            return error("InvalidParameterValue", "Limit 1-100")
        taken = self._take(self._receipt_queue, limit)
        return 200, {"Response": {"PullSmsSendStatusSet": [self._receipt(m) for m in taken], "RequestId": rid}}

    def reply(self, number: str, text: str, sign: str | None = None) -> None:
        now = dt.datetime.now(CHINA)
        item = {"ExtendCode": "", "CountryCode": "86", "SubscriberNumber": number, "SignName": sign or next(iter(self.signatures)),
                "ReplyContent": text, "ReplyTime": f"{now:%Y-%m-%d %H:%M:%S}", "ReplyUnixTime": int(now.timestamp()),
                "PhoneNumber": "+86" + number, "pulled": 0}
        with self._lock:
            self.replies.append(item)
            self._reply_queue.append(item)

    def _pull_replies(self, params, rid, error):
        limit = int(params.get("Limit", 0))
        if not 1 <= limit <= 100:
            return error("InvalidParameterValue", "Limit 1-100")
        taken = self._take(self._reply_queue, limit)
        return 200, {"Response": {"PullSmsReplyStatusSet": [{k: v for k, v in r.items() if k != "pulled"} for r in taken],
                                  "RequestId": rid}}

    def _receipts_of_number(self, params, rid, error):
        for name in ("BeginTime", "Offset", "Limit", "PhoneNumber"):
            if name not in params:
                return error("MissingParameter", name)
        number = params["PhoneNumber"].removeprefix("+86")
        begin = dt.datetime.fromtimestamp(int(params["BeginTime"]), CHINA)
        found = [m for m in self.accepted if m["number"] == number and m["at"] >= begin]
        shown = found[int(params["Offset"]): int(params["Offset"]) + int(params["Limit"])]
        return 200, {"Response": {"PullSmsSendStatusSet": [self._receipt(m) for m in shown], "RequestId": rid}}
