"""The ribbon's buttons: each id in macros/customUI.xml, mapped to the action it runs.

Adding a button means a button in customUI.xml and a line here, nothing else.
"""

from __future__ import annotations

# button id → function name in csxl.excel.run
ACTIONS = {
    "refresh": "refresh_all",
    "due": "refresh_due",
    "check": "check_data",
    "search": "find_customer",
    "card": "customer_card",
    "send": "send_reminders",
    "sentlog": "refresh_sent_log",
    "monthly": "monthly_report",
    "form": "complaint_form",
    "callsheet": "call_sheet",
    "help": "settings_help",
}
