"""ICAO Doc 9303 machine-readable zone of passports (TD3: two lines of 44 characters).

Foreign applicants type (or paste, or scan with the phone's camera) the two MRZ lines; we
check the five check digits and fill the form from them, so a typo in the passport number or
date of birth is caught before submission (domain brief §7).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

TD3_LENGTH = 44
_WEIGHTS = (7, 3, 1)
_ALLOWED = re.compile(r"^[A-Z0-9<]+$")


class InvalidMRZ(ValueError):
    """``code`` names the problem for a translated message; ``field`` the part at fault."""

    def __init__(self, code: str, field: str = "") -> None:
        super().__init__(f"{code}:{field}")
        self.code = code
        self.field = field


def char_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise InvalidMRZ("characters")


def check_digit(data: str) -> str:
    return str(sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(data)) % 10)


@dataclass(frozen=True)
class PassportMRZ:
    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: dt.date
    sex: str  # "F", "M" or "X"
    expiry_date: dt.date
    personal_number: str

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.surname) if part)


def _normalise_lines(raw: str) -> list[str]:
    text = raw.upper().replace("«", "<").replace(" ", "")
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]
    if len(lines) == 1 and len(lines[0]) == 2 * TD3_LENGTH:
        lines = [lines[0][:TD3_LENGTH], lines[0][TD3_LENGTH:]]
    return lines


def _date(yymmdd: str, field: str, future: bool, today: dt.date) -> dt.date:
    if not yymmdd.isdigit():
        raise InvalidMRZ("date", field)
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    # Pivot: birth dates lie in the past, expiry dates within the next 50 years.
    century = 2000 if (2000 + yy <= today.year + (50 if future else 0)) else 1900
    try:
        return dt.date(century + yy, mm, dd)
    except ValueError as exc:
        raise InvalidMRZ("date", field) from exc


def _names(field: str) -> tuple[str, str]:
    surname, _, given = field.partition("<<")
    return surname.replace("<", " ").strip(), given.replace("<", " ").strip()


def parse_td3(raw: str, today: dt.date | None = None) -> PassportMRZ:
    today = today or dt.date.today()  # noqa: DTZ011 - calendar date for the year pivot
    lines = _normalise_lines(raw)
    if len(lines) != 2 or any(len(line) != TD3_LENGTH for line in lines):
        raise InvalidMRZ("length")
    line1, line2 = lines
    if not (_ALLOWED.match(line1) and _ALLOWED.match(line2)):
        raise InvalidMRZ("characters")
    if line1[0] != "P":
        raise InvalidMRZ("not_passport")
    checks = {
        "document_number": (line2[0:9], line2[9]),
        "birth_date": (line2[13:19], line2[19]),
        "expiry_date": (line2[21:27], line2[27]),
    }
    for field, (data, digit) in checks.items():
        if check_digit(data) != digit:
            raise InvalidMRZ("check_digit", field)
    personal, personal_digit = line2[28:42], line2[42]
    if not (personal_digit == "<" and set(personal) <= {"<"}) and check_digit(
        personal
    ) != personal_digit.replace("<", "0"):
        raise InvalidMRZ("check_digit", "personal_number")
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    if check_digit(composite) != line2[43]:
        raise InvalidMRZ("check_digit", "composite")
    surname, given = _names(line1[5:44])
    if not surname:
        raise InvalidMRZ("name")
    sex = line2[20].replace("<", "X")
    if sex not in {"F", "M", "X"}:
        raise InvalidMRZ("sex")
    return PassportMRZ(
        document_code=line1[0:2].replace("<", ""),
        issuing_state=line1[2:5].replace("<", ""),
        surname=surname,
        given_names=given,
        document_number=line2[0:9].replace("<", ""),
        nationality=line2[10:13].replace("<", ""),
        birth_date=_date(line2[13:19], "birth_date", future=False, today=today),
        sex=sex,
        expiry_date=_date(line2[21:27], "expiry_date", future=True, today=today),
        personal_number=personal.replace("<", ""),
    )


def make_td3(
    *,
    surname: str,
    given_names: str,
    number: str,
    nationality: str,
    birth: str,
    sex: str,
    expiry: str,
    issuing_state: str | None = None,
) -> str:
    """Compose a valid TD3 MRZ (dates as YYMMDD): for demo data, tests and the simulators."""
    name = (surname.replace(" ", "<") + "<<" + given_names.replace(" ", "<")).upper()
    line1 = f"P<{(issuing_state or nationality).upper():<3}{name}".ljust(TD3_LENGTH, "<")
    number_field = number.upper().ljust(9, "<")[:9]
    personal = "<" * 14
    line2 = (
        number_field
        + check_digit(number_field)
        + nationality.upper()
        + birth
        + check_digit(birth)
        + sex
        + expiry
        + check_digit(expiry)
        + personal
        + "<"
    )
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    return f"{line1[:TD3_LENGTH]}\n{line2}{check_digit(composite)}"
