"""The Belgian national register number: 11 digits, YYMMDD + serial + check digits (mod 97).

The check is ``97 - (first nine digits mod 97)``; for a birth in 2000 or later, a
2 is put in front of the nine digits before the division.
"""

from __future__ import annotations

import datetime as dt
import re


def normalise(value: str) -> str:
    return re.sub(r"[\s.\-/]", "", value or "")


def check_digits(first_nine: str, born_2000_or_later: bool) -> int:
    number = int(("2" if born_2000_or_later else "") + first_nine)
    return 97 - number % 97


def centuries(value: str) -> list[int]:
    """The centuries (1900, 2000) for which the number's check digits are right; [] if invalid."""
    digits = normalise(value)
    if not re.fullmatch(r"\d{11}", digits):
        return []
    base, check = digits[:9], int(digits[9:])
    return [c for c, later in ((1900, False), (2000, True)) if check_digits(base, later) == check]


def is_valid(value: str, birth_date: dt.date | None = None) -> bool:
    found = centuries(value)
    if not found:
        return False
    if birth_date is None:
        return True
    century = 2000 if birth_date.year >= 2000 else 1900
    if century not in found:
        return False
    digits = normalise(value)
    month = int(digits[2:4])
    if 1 <= month <= 12:  # an ordinary number (bis numbers add 20 or 40 to the month)
        return digits[:6] == birth_date.strftime("%y%m%d")
    return True


def format_number(value: str) -> str:
    d = normalise(value)
    if len(d) != 11:
        return value
    return f"{d[:2]}.{d[2:4]}.{d[4:6]}-{d[6:9]}.{d[9:]}"


def make(birth_date: dt.date, serial: int) -> str:
    """A valid number for a birth date and a serial (for tests and the demo)."""
    first_nine = birth_date.strftime("%y%m%d") + f"{serial:03d}"
    return first_nine + f"{check_digits(first_nine, birth_date.year >= 2000):02d}"
