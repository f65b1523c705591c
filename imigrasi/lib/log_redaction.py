"""A last line of defence for logs: secrets and personal identifiers never reach the output.

Code is written not to log them (the audit log, not the application log, records who did
what); this filter catches what slips through — an exception message quoting a configuration
value, a library logging a URL with a NIK in it. It masks the values of the configured
secrets, 16-digit numbers (NIK, KK number) and email addresses, in the message and its
arguments, before any handler formats the record.
"""

from __future__ import annotations

import logging
import re

from imigrasi.lib.env import SECRET_VALUES

_IDENTIFIERS = re.compile(
    r"(?<!\d)\d{16}(?!\d)"  # NIK and family-card numbers
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"  # email addresses
)
MASK = "[redacted]"


def _secret_values() -> list[str]:
    values: set[str] = set()
    for value in SECRET_VALUES:
        # A key ring "id:key,id2:key2" is masked key by key as well as whole.
        values.update(part for part in re.split(r"[,:]", value) if len(part) >= 12)
        if len(value) >= 8:
            values.add(value)
    return sorted(values, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return _IDENTIFIERS.sub(MASK, text)


class RedactingFilter(logging.Filter):
    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        self._secrets: list[str] | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets is None:
            self._secrets = _secret_values()
        message = record.getMessage()
        cleaned = redact(message, self._secrets)
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: format the traceback once, cleaned.
            traceback = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(traceback, self._secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
