"""Dates: parsing what clerks type, Chinese working days, lunar dates and holidays."""
