"""Optional rephrasing of a retrieved answer through an OpenAI-compatible endpoint.

Off unless ``ASSISTANT_REPHRASE_URL`` is set. The model may only say the retrieved answer in
other words: its text is kept only when it contains exactly the numbers (amounts, days, ages)
and links of the original, no markup, and is not much longer. Anything else — a new amount, a
timeout, an error, a circuit that is open — falls back to the retrieved answer, which is
always correct. Personal answers and refusals are never sent out.
"""

from __future__ import annotations

import logging
import re
import threading

from django.conf import settings

from imigrasi.lib.http import OutboundClient, OutboundError

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You rephrase answers of the Indonesian immigration service's assistant so they read "
    "naturally for the person who asked. Use only the facts in ANSWER. Do not add, remove or "
    "change any fact, number, amount, date, code, or link. Answer in the language of ANSWER, "
    "in plain text without markup, in at most three sentences more than ANSWER."
)
_NUMBER = re.compile(r"\d+(?:[.,]\d{3})*(?:[.,]\d+)?")
_LINK = re.compile(r"https?://\S+|/[a-z0-9-]+/\S*")
_lock = threading.Lock()
_client: OutboundClient | None = None
_client_key: tuple[str, float] | None = None


def _numbers(text: str) -> list[str]:
    return sorted(re.sub(r"[.,](?=\d{3}\b)", "", n) for n in _NUMBER.findall(text))


def acceptable(original: str, rephrased: str) -> bool:
    """The rephrasing says the same facts: same numbers, same links, no markup, not bloated."""
    if not rephrased.strip() or "<" in rephrased or ">" in rephrased:
        return False
    if len(rephrased) > 2 * len(original) + 200:
        return False
    if _numbers(original) != _numbers(rephrased):
        return False
    return sorted(_LINK.findall(original)) == sorted(_LINK.findall(rephrased))


def _outbound() -> OutboundClient:
    global _client, _client_key
    key = (settings.ASSISTANT_REPHRASE_URL, float(settings.ASSISTANT_REPHRASE_TIMEOUT))
    with _lock:
        if _client is None or _client_key != key:
            _client = OutboundClient(
                key[0], name="rephraser", timeout=key[1], retries=0, circuit_failures=3
            )
            _client_key = key
        return _client


def rephrase(question: str, answer: str) -> tuple[str, bool]:
    """(text to show, whether it was rephrased)."""
    if not settings.ASSISTANT_REPHRASE_URL:
        return answer, False
    headers = {}
    if settings.ASSISTANT_REPHRASE_API_KEY:
        headers["Authorization"] = f"Bearer {settings.ASSISTANT_REPHRASE_API_KEY}"
    body = {
        "model": settings.ASSISTANT_REPHRASE_MODEL,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"QUESTION: {question[:500]}\nANSWER: {answer}"},
        ],
    }
    try:
        response = _outbound().request("POST", "/v1/chat/completions", json=body, headers=headers)
        text = str(response.json()["choices"][0]["message"]["content"]).strip()
    except (OutboundError, ValueError, KeyError, IndexError, TypeError) as error:
        logger.warning("rephrasing skipped: %s", type(error).__name__)
        return answer, False
    if not acceptable(answer, text):
        logger.info("rephrasing refused: it changed the facts or the form")
        return answer, False
    return text, True
