"""阿里云短信 (dysmsapi 2017-05-25) through its official SDK, ``alibabacloud-dysmsapi20170525``.

SendSms carries the signature, the approved template's code, its parameters as JSON
and the journal key's ref as OutId; QuerySendDetails (by number and day, 30 days
back) gives both the delivery reports and the answer to "did this key go out?".
Replies reach 阿里云 customers only by push (an MNS queue), so none are pulled here.
Error codes: https://help.aliyun.com/zh/sms/developer-reference/api-error-codes
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from ..channels import Outgoing, Receipt, Reply, SentRecord, TransientSendError, UnknownOutcome
from . import ErrorCodes, endpoint_parts, import_sdk

HOST = "dysmsapi.aliyuncs.com"
CHINA = ZoneInfo("Asia/Shanghai")
CODES = ErrorCodes(
    "阿里云",
    channel={
        "isv.SMS_SIGNATURE_ILLEGAL": "短信签名未审核通过或不存在", "isv.SMS_SIGN_NAME_ILLEGAL": "短信签名未审核通过或不存在",
        "isv.AMOUNT_NOT_ENOUGH": "账户余额不足", "isv.OUT_OF_SERVICE": "账户欠费停机", "isv.ACCOUNT_NOT_EXISTS": "账户不存在",
        "isv.ACCOUNT_ABNORMAL": "账户异常", "isv.PRODUCT_UN_SUBSCRIPT": "未开通短信服务", "isv.PRODUCT_UNSUBSCRIBE": "未开通短信服务",
        "isp.RAM_PERMISSION_DENY": "访问密钥没有短信权限", "SignatureDoesNotMatch": "访问密钥错误（签名不符）",
        "InvalidAccessKeyId.NotFound": "访问密钥不存在", "InvalidAccessKeyId.Inactive": "访问密钥已停用",
    },
    template={"isv.SMS_TEMPLATE_ILLEGAL": "短信模板未审核通过或不存在", "isv.TEMPLATE_MISSING_PARAMETERS": "短信模板变量与正文的占位符不一致"},
    bad_number={"isv.MOBILE_NUMBER_ILLEGAL": "手机号码格式错误"},
    transient=lambda code: code in {"isp.SYSTEM_ERROR", "isp.GATEWAY_ERROR", "isp.UNKNOWN", "Throttling.User", "Throttling",
                                     "ServiceUnavailable", "InternalError"},
    bad_number_receipts=("空号", "停机", "MOBILE_NOT_ON_SERVICE", "IS_CLOSE", "NOT_EXIST", "MOBILE_ACCOUNT_ABNORMAL"),
)


class Provider:
    name = "aliyun"
    mediums = ("sms",)

    def __init__(self, settings, key_id: str, secret: str, timeout_seconds: float = 10):
        self.settings = settings
        self._key_id, self._secret = key_id, secret
        self._timeout_ms = int(timeout_seconds * 1000)
        self._client = None

    def open(self) -> None:
        client_module = import_sdk("阿里云", "alibabacloud_dysmsapi20170525.client")
        self._models = import_sdk("阿里云", "alibabacloud_dysmsapi20170525.models")
        from alibabacloud_tea_openapi.utils_models import Config
        from darabonba.runtime import RuntimeOptions

        host, scheme = endpoint_parts(self.settings.sms_endpoint, HOST)
        self._client = client_module.Client(Config(
            access_key_id=self._key_id, access_key_secret=self._secret, endpoint=host, protocol=scheme,
            read_timeout=self._timeout_ms, connect_timeout=self._timeout_ms,
        ))
        self._runtime = lambda: RuntimeOptions(read_timeout=self._timeout_ms, connect_timeout=self._timeout_ms, autoretry=False)

    def close(self) -> None:
        self._client = None

    def _call(self, method: str, request, sent: bool):
        """One SDK call; ``sent``: a time-out may mean the message went out (a send), not merely an unanswered question."""
        from darabonba.exceptions import ResponseException, UnretryableException

        if self._client is None:
            self.open()
        try:
            return getattr(self._client, method)(request, self._runtime()).body
        except UnretryableException as exc:  # the SDK's network error: refused, reset or timed out
            reason = f"阿里云 unreachable: {type(getattr(exc, 'inner_exception', None) or exc).__name__}"
            raise (UnknownOutcome(reason) if sent else TransientSendError(reason)) from exc
        except ResponseException as exc:
            raise CODES.error(str(exc.code), str(getattr(exc, "message", "") or "")) from exc

    def deliver(self, message: Outgoing) -> str | None:
        if self._client is None:
            self.open()
        request = self._models.SendSmsRequest(
            phone_numbers=message.to, sign_name=self.settings.sms_signature, template_code=message.sms.template_id,
            template_param=json.dumps(dict(message.sms.params), ensure_ascii=False), out_id=message.ref,
        )
        body = self._call("send_sms_with_options", request, sent=True)
        if body.code != "OK":
            raise CODES.error(body.code, body.message or "")
        return body.biz_id

    def _details(self, record: SentRecord) -> list:
        if self._client is None:
            self.open()
        day = record.sent_at.astimezone(CHINA)
        found, page = [], 1
        while True:
            request = self._models.QuerySendDetailsRequest(
                phone_number=record.to, send_date=f"{day:%Y%m%d}", page_size=50, current_page=page)
            body = self._call("query_send_details_with_options", request, sent=False)
            if body.code != "OK":
                raise CODES.error(body.code, body.message or "")
            rows = body.sms_send_detail_dtos.sms_send_detail_dto if body.sms_send_detail_dtos else []
            found += [row for row in rows or [] if row.out_id == record.ref]
            if len(rows or []) < 50 or page >= 20:
                return found
            page += 1

    def delivered(self, record: SentRecord) -> bool | None:
        return bool(self._details(record))

    def receipts(self, records: list[SentRecord]) -> list[Receipt]:
        """Reports of the messages sent in the last 30 days (a message still 等待回执 gives none yet)."""
        oldest = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        found = []
        for record in records:
            if record.sent_at < oldest:
                continue
            for row in self._details(record):
                if row.send_status == 3:
                    found.append(Receipt(record.ref, True))
                elif row.send_status == 2:
                    code = row.err_code or ""
                    found.append(Receipt(record.ref, False, code, CODES.number_cannot_receive(code)))
        return found

    def replies(self) -> list[Reply]:
        return []  # 阿里云 pushes replies to an MNS queue only
