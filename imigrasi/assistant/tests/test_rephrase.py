"""Optional rephrasing against our OpenAI-compatible simulator, a separate process over HTTP:
kept only when it says the same facts; every failure falls back to the retrieved answer."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imigrasi.assistant.actions import answer_question
from imigrasi.assistant.rephrase import acceptable

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
QUESTION = "Berapa biaya paspor elektronik 10 tahun?"


@pytest.fixture(scope="module")
def rephraser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port_file = tmp_path_factory.mktemp("rephraser") / "port"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulators.rephraser.server",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--quiet",
        ],
        cwd=ROOT,
        env=dict(os.environ),
    )
    deadline = time.monotonic() + 15
    while not (port_file.exists() and port_file.read_text().strip()):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("rephraser simulator did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port_file.read_text().strip()}"
    process.terminate()
    process.wait(timeout=10)


def use(settings: Any, url: str, model: str, timeout: float = 2.0) -> None:
    settings.ASSISTANT_REPHRASE_URL = url
    settings.ASSISTANT_REPHRASE_MODEL = model
    settings.ASSISTANT_REPHRASE_TIMEOUT = timeout


def test_off_by_default(knowledge: Any, settings: Any) -> None:
    settings.ASSISTANT_REPHRASE_URL = ""
    reply = answer_question(QUESTION)
    assert reply.intent == "knowledge" and "Rp950.000" in reply.answer


def test_a_faithful_rephrasing_is_used(knowledge: Any, settings: Any, rephraser: str) -> None:
    use(settings, rephraser, "polite")
    reply = answer_question(QUESTION)
    assert reply.intent == "knowledge_rephrased"
    assert reply.answer.startswith("Tentu") and "Rp950.000" in reply.answer


@pytest.mark.parametrize("model", ["inventor", "markup", "broken", "slow"])
def test_anything_else_falls_back_to_the_retrieved_answer(
    knowledge: Any, settings: Any, rephraser: str, model: str
) -> None:
    use(settings, rephraser, model, timeout=1.0)
    reply = answer_question(QUESTION)
    assert reply.outcome == "answered" and reply.intent == "knowledge"
    assert "Rp950.000" in reply.answer and "123.456" not in reply.answer
    assert "<" not in reply.answer


def test_a_dependency_that_is_down_is_not_an_error(knowledge: Any, settings: Any) -> None:
    use(settings, "http://127.0.0.1:9", "polite", timeout=0.5)
    reply = answer_question(QUESTION)
    assert reply.outcome == "answered" and "Rp950.000" in reply.answer


def test_personal_answers_are_never_sent_out(knowledge: Any, settings: Any, rephraser: str) -> None:
    use(settings, rephraser, "polite")
    reply = answer_question("Bagaimana status permohonan paspor saya?")
    assert reply.intent == "personal" and not reply.answer.startswith("Tentu")


def test_the_fact_check() -> None:
    original = "Biaya paspor elektronik 10 tahun Rp950.000; selesai 4 hari kerja."
    assert acceptable(original, "Untuk 10 tahun, paspor elektronik Rp950.000, jadi 4 hari kerja.")
    assert not acceptable(original, "Rp950.000 dan selesai 3 hari kerja.")
    assert not acceptable(original, original + " Biaya tambahan Rp50.000.")
    assert not acceptable(original, "<p>" + original + "</p>")
    assert not acceptable(original, "")
