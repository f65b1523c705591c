"""The labelled questions as a regression gate (figures: `make eval-assistant`)."""

from __future__ import annotations

from typing import Any

import pytest

from imigrasi.assistant.evaluation import EVAL_DIR, evaluate, judge, load_rows, mentions
from imigrasi.assistant.loader import load_faq

pytestmark = pytest.mark.django_db


def test_must_mention_groups_compare_numbers_without_separators() -> None:
    assert mentions("Biaya Rp950.000 untuk 10 tahun", [["950000"], ["10"]])
    assert mentions("costs Rp1,000,000 per day", [["1000000", "1 million"]])
    assert not mentions("Biaya Rp650.000", [["950000"]])
    row = {"expect": "out_of_scope", "must_mention": []}
    assert judge(row, "out_of_scope", "knowledge", "")
    assert not judge(row, "clarify", "knowledge", "")


def test_the_labelled_sets_are_answered_and_off_topic_is_always_declined(catalog: Any) -> None:
    load_faq()
    report = evaluate(load_rows(sorted(EVAL_DIR.glob("*.jsonl"))))
    summary = report.summary()
    wrong = [r.row["id"] for r in report.results if not r.correct]
    assert summary["accuracy"] >= 0.85, wrong
    assert summary["out_of_scope_recall"] == 1.0
