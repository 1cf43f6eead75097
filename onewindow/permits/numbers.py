"""Permit numbers: 18 characters ending in an ISO 7064 MOD 11-2 check character.

Layout: the issuing city's division code (6 digits, GB/T 2260), the year of
first issuance (4), a serial within that city and year (7), and the check
character (0-9 or X), the same scheme as China's resident identity number.
"""

from __future__ import annotations

from stdnum.iso7064 import mod_11_2

SERIAL_DIGITS = 7
MAX_SERIAL = 10**SERIAL_DIGITS - 1


def format_number(division_code: str, year: int, serial: int) -> str:
    if len(division_code) != 6 or not division_code.isdigit():
        raise ValueError("a division code has 6 digits")
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError("serial out of range")
    body = f"{division_code}{year:04d}{serial:0{SERIAL_DIGITS}d}"
    return body + mod_11_2.calc_check_digit(body)


def is_valid_number(number: str) -> bool:
    return len(number) == 18 and number[:17].isdigit() and mod_11_2.is_valid(number)
