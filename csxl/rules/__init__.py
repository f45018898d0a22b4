"""The due rules: pure functions from DataFrames and ``today`` to due items."""

from .due import due_items, due_today, message_items, opted_out

__all__ = ["due_items", "due_today", "message_items", "opted_out"]
