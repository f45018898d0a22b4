"""SMS providers: one module each, named by the 设置 短信服务商 value.

A provider module defines ``Provider(settings, key_id, secret)`` implementing the
channel interface (`channels.Channel`) with its official SDK, imported only when
the provider is used (``pip install csxl[sms]``).  Secrets come from the
environment under the provider's own names, or the OS keyring (service ``csxl``,
user = the variable's name) — never from the workbook.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from ...errors import MissingSmsSecret, SmsSdkMissing


@dataclass(frozen=True)
class ProviderInfo:
    module: str
    key_id_variable: str
    secret_variable: str
    sdk: str  # the pip package of its SDK


PROVIDERS = {
    "阿里云": ProviderInfo("aliyun", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "alibabacloud-dysmsapi20170525"),
    "腾讯云": ProviderInfo("tencent", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "tencentcloud-sdk-python-sms"),
}
KEYRING_SERVICE = "csxl"


def secret(variable: str) -> str | None:
    value = os.environ.get(variable)
    if value:
        return value
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, variable)
    except Exception:  # noqa: BLE001 - no keyring backend on this machine is the same as no secret
        return None


def sms_provider(settings):
    """The channel for the 设置 短信服务商 (its secrets checked now, its SDK imported when it first sends)."""
    info = PROVIDERS[settings.sms_provider]
    key_id, key_secret = secret(info.key_id_variable), secret(info.secret_variable)
    if not key_id or not key_secret:
        raise MissingSmsSecret(f"{info.key_id_variable} / {info.secret_variable}")
    module = importlib.import_module(f"{__name__}.{info.module}")
    return module.Provider(settings, key_id, key_secret)


def import_sdk(provider: str, import_name: str):
    """The SDK module, or a one-line error naming the package to install."""
    try:
        return importlib.import_module(import_name)
    except ImportError as exc:
        raise SmsSdkMissing(PROVIDERS[provider].sdk) from exc


def endpoint_parts(endpoint: str, default_host: str) -> tuple[str, str]:
    """(host[:port], scheme) from the 设置 短信接口地址 ('' → the provider's own host over https)."""
    text = endpoint.strip().rstrip("/")
    if not text:
        return default_host, "https"
    scheme, _, rest = text.rpartition("://")
    return rest, (scheme or "https").lower()


REPLY_OPT_OUT_WORDS = ("TD", "T", "N", "R", "退订", "拒收")  # R: the providers append "拒收请回复R" to marketing SMS


def is_opt_out(text: str) -> bool:
    """A reply that asks for no more messages: TD, T, N, R, 退订 or 拒收, in any case, alone or with punctuation around."""
    word = "".join(ch for ch in text.strip() if ch.isalnum() or "\u4e00" <= ch <= "\u9fff")
    return word.upper() in REPLY_OPT_OUT_WORDS


@dataclass(frozen=True)
class ErrorCodes:
    """A provider's error codes sorted by what they mean for the rest of the run, with the words a clerk reads."""

    provider: str
    channel: dict[str, str]  # the account, key or signature: every message on this channel fails the same way
    template: dict[str, str]  # the template: its messages fail the same way, other templates may still go
    bad_number: dict[str, str]  # this message's number: fix the 手机 on 客户档案
    transient: Callable[[str], bool]  # worth retrying after a pause
    bad_number_receipts: tuple[str, ...] = field(default=("空号", "停机", "MOBILE_NOT_ON_SERVICE", "IS_CLOSE", "NOT_EXIST"))

    def error(self, code: str, message: str) -> Exception:
        from ..channels import ChannelRefused, PermanentSendError, TemplateRefused, TransientSendError

        words = self.channel.get(code) or self.template.get(code) or self.bad_number.get(code) or message
        text = f"{self.provider} {code}: {words}"
        if code in self.channel:
            return ChannelRefused(text)
        if code in self.template:
            return TemplateRefused(text)
        if self.transient(code):
            return TransientSendError(text)
        return PermanentSendError(text)  # the day's cap for this number, a blacklisted word, …

    def number_cannot_receive(self, receipt_code: str | None) -> bool:
        """A failed receipt whose code or words say the number itself cannot receive (空号, 停机)."""
        return any(word in (receipt_code or "") for word in self.bad_number_receipts)
