"""A real SMTP server on loopback (aiosmtpd) that records what it is sent."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Keeps every accepted message; can refuse, or hold message number N until released."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.reply = "250 OK"
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self._seen = 0

    async def handle_DATA(self, server, session, envelope):
        self._seen += 1
        if self.hold_at is not None and self._seen == self.hold_at:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
            return "451 connection gone"  # the client was killed meanwhile: not accepted
        if not self.reply.startswith("250"):
            return self.reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


class SmtpServer:
    def __init__(self, **controller_options):
        """``controller_options`` go to aiosmtpd's Controller (an authenticator, for one)."""
        self.port = free_port()
        self.recorder = Recorder()
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **controller_options)

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self.recorder.release.set()
        self._controller.stop()

    def config_toml(self, **extra) -> str:
        lines = ["[mail]", 'host = "127.0.0.1"', f"port = {self.port}", 'security = "none"', "login = false",
                 'user = "kefu@dealer.example"', "retries = 1", "backoff_seconds = 0.01"]
        lines += [f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v}" for k, v in extra.items()]
        return "\n".join(lines).replace("'", '"') + "\n"
