"""腾讯云短信 (sms 2021-01-11) through its official SDK, ``tencentcloud-sdk-python-sms``.

SendSms carries the SdkAppId, the signature, the approved template's id, its
parameters in the template's order and the journal key's ref as SessionContext,
which every receipt echoes.  PullSmsSendStatus and PullSmsReplyStatus hand out each
receipt and reply once; PullSmsSendStatusByPhoneNumber answers "did this key go out?".
Error codes: https://cloud.tencent.com/document/api/382/52075
"""

from __future__ import annotations

import datetime as dt
import warnings

from ..addresses import mobile
from ..channels import Outgoing, Receipt, Reply, SentRecord, TransientSendError, UnknownOutcome
from . import ErrorCodes, endpoint_parts, import_sdk

HOST = "sms.tencentcloudapi.com"
REGION = "ap-guangzhou"
PAGE = 100  # the pull APIs' Limit
CODES = ErrorCodes(
    "腾讯云",
    channel={
        "AuthFailure.SignatureFailure": "访问密钥错误（签名不符）", "AuthFailure.SecretIdNotFound": "访问密钥不存在",
        "AuthFailure.UnauthorizedOperation": "访问密钥没有短信权限",
        "FailedOperation.SignatureIncorrectOrUnapproved": "短信签名未审核通过或不存在",
        "FailedOperation.InsufficientBalanceInSmsPackage": "套餐包余量不足",
        "FailedOperation.SmsSdkAppIdVerifyFail": "短信应用ID（SdkAppId）错误",
        "UnauthorizedOperation.SmsSdkAppIdVerifyFail": "短信应用ID（SdkAppId）错误",
    },
    template={
        "FailedOperation.TemplateIncorrectOrUnapproved": "短信模板未审核通过或与内容不符",
        "InvalidParameterValue.TemplateParameterFormatError": "短信模板变量与正文的占位符不一致",
    },
    bad_number={"InvalidParameterValue.IncorrectPhoneNumber": "手机号码格式错误"},
    transient=lambda code: code.startswith(("InternalError", "RequestLimitExceeded", "ClientNetworkError", "ServerNetworkError")),
    bad_number_receipts=("空号", "停机", "MOBILE_NOT_ON_SERVICE", "IS_CLOSE", "NOT_EXIST", "MK:0001", "MK:0012"),
)


class Provider:
    name = "tencent"
    mediums = ("sms",)

    def __init__(self, settings, key_id: str, secret: str, timeout_seconds: float = 10):
        self.settings = settings
        self._key_id, self._secret = key_id, secret
        self._timeout = timeout_seconds
        self._client = None

    def open(self) -> None:
        client_module = import_sdk("腾讯云", "tencentcloud.sms.v20210111.sms_client")
        self._models = import_sdk("腾讯云", "tencentcloud.sms.v20210111.models")
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile

        host, scheme = endpoint_parts(self.settings.sms_endpoint, HOST)
        profile = ClientProfile(httpProfile=HttpProfile(protocol=scheme, endpoint=host, reqTimeout=self._timeout, keepAlive=True))
        self._client = client_module.SmsClient(credential.Credential(self._key_id, self._secret), REGION, profile)

    def close(self) -> None:
        self._client = None

    def _call(self, action: str, fields: dict, sent: bool):
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

        if self._client is None:
            self.open()
        request = getattr(self._models, f"{action}Request")()
        for name, value in {**fields, "SmsSdkAppId": self.settings.sms_app_id}.items():
            setattr(request, name, value)
        try:
            with warnings.catch_warnings():
                # the SDK's models warn of every answer field they do not know (PullSmsReplyStatus' ReplyUnixTime):
                # noise on the scheduler's console, not a problem
                warnings.filterwarnings("ignore", message=".*fileds are useless", category=UserWarning)
                return getattr(self._client, action)(request)
        except TencentCloudSDKException as exc:
            if exc.code == "ClientNetworkError":  # refused, reset or timed out: the SDK does not say which
                raise (UnknownOutcome if sent else TransientSendError)(f"腾讯云 unreachable ({action})") from exc
            raise CODES.error(str(exc.code), str(exc.message or "")) from exc

    def deliver(self, message: Outgoing) -> str | None:
        response = self._call("SendSms", {
            "PhoneNumberSet": ["+86" + message.to], "SignName": self.settings.sms_signature,
            "TemplateId": message.sms.template_id, "TemplateParamSet": message.sms.values, "SessionContext": message.ref,
        }, sent=True)
        status = response.SendStatusSet[0]
        if status.Code != "Ok":
            raise CODES.error(status.Code, status.Message or "")
        return status.SerialNo

    def delivered(self, record: SentRecord) -> bool | None:
        begin = int((record.sent_at - dt.timedelta(minutes=10)).timestamp())
        response = self._call("PullSmsSendStatusByPhoneNumber", {
            "BeginTime": begin, "EndTime": int(dt.datetime.now(dt.UTC).timestamp()), "Offset": 0, "Limit": PAGE,
            "PhoneNumber": "+86" + record.to,
        }, sent=False)
        return any(status.SessionContext == record.ref for status in response.PullSmsSendStatusSet or [])

    def receipts(self, records: list[SentRecord]) -> list[Receipt]:
        """Every report waiting at 腾讯云 (each is handed out once, and may come twice)."""
        found = []
        for _ in range(1000):  # 100,000 reports at most in one pull
            batch = self._call("PullSmsSendStatus", {"Limit": PAGE}, sent=False).PullSmsSendStatusSet or []
            for status in batch:
                ok = status.ReportStatus == "SUCCESS"
                reason = None if ok else (status.Description or status.ReportStatus)
                found.append(Receipt(status.SessionContext or "", ok, reason, not ok and CODES.number_cannot_receive(reason)))
            if len(batch) < PAGE:
                break
        return found

    def replies(self) -> list[Reply]:
        found = []
        for _ in range(1000):
            batch = self._call("PullSmsReplyStatus", {"Limit": PAGE}, sent=False).PullSmsReplyStatusSet or []
            found += [Reply(mobile(item.PhoneNumber) or item.SubscriberNumber, item.ReplyContent or "", item.ReplyTime or "")
                      for item in batch]
            if len(batch) < PAGE:
                break
        return found
