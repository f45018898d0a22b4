"""What must never reach a screen or a log: the patterns the privacy checks search for."""

import re

MOBILE = re.compile(r"(?<!\d)1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PASSWORD_MARKS = ("Pw0rd", "授权码abc")  # in every password the tests hand to csxl
