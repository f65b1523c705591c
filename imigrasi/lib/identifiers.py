"""Indonesian identifiers: NIK (Nomor Induk Kependudukan).

NIK layout (domain brief §5.7): PP KK CC DD MM YY SSSS — province, regency/city, district,
day of birth (+40 for women), month, two-digit year, serial. There is no check digit, so the
structure is all we can validate offline; the population registry confirms the rest.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Province codes (Kemendagri), including the Papua provinces created in 2022.
PROVINCE_CODES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua Barat",
    "92": "Papua Barat Daya",
    "94": "Papua",
    "95": "Papua Selatan",
    "96": "Papua Tengah",
    "97": "Papua Pegunungan",
}

_NIK_RE = re.compile(r"^\d{16}$")


class InvalidNIK(ValueError):
    """The NIK is structurally impossible; ``code`` names the reason for translated messages."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class NIKParts:
    province_code: str
    regency_code: str
    district_code: str
    birth_date: dt.date
    is_female: bool
    serial: str

    @property
    def province(self) -> str:
        return PROVINCE_CODES[self.province_code]


def normalise_nik(raw: str) -> str:
    """Drop spaces, dots and dashes people type between groups."""
    return re.sub(r"[\s.\-]", "", raw or "")


def parse_nik(raw: str, today: dt.date | None = None) -> NIKParts:
    nik = normalise_nik(raw)
    if not _NIK_RE.match(nik):
        raise InvalidNIK("format")
    province = nik[0:2]
    if province not in PROVINCE_CODES:
        raise InvalidNIK("province")
    if nik[2:4] == "00" or nik[4:6] == "00":
        raise InvalidNIK("region")
    day = int(nik[6:8])
    is_female = day > 40
    if is_female:
        day -= 40
    month = int(nik[8:10])
    yy = int(nik[10:12])
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date, not an instant
    # Two-digit year: the most recent year not in the future.
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    try:
        birth = dt.date(year, month, day)
    except ValueError as exc:
        raise InvalidNIK("birth_date") from exc
    if birth > today:
        try:
            birth = dt.date(year - 100, month, day)
        except ValueError as exc:  # 29 February of a non-leap century year
            raise InvalidNIK("birth_date") from exc
    if nik[12:16] == "0000":
        raise InvalidNIK("serial")
    return NIKParts(province, nik[2:4], nik[4:6], birth, is_female, nik[12:16])


def luhn_check_digit(payload: str) -> str:
    """The digit that, appended to ``payload``, makes the whole number pass the Luhn check.

    Used for our application numbers (so a mistyped number fails before any lookup) and by the
    payment simulator's billing codes.
    """
    total = 0
    # Walking right to left, the payload's last digit is doubled (the check digit will not be).
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)
