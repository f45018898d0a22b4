"""Paper the desk prints: the 《客户投诉处理表》 of one complaint, and the day's call sheet."""
