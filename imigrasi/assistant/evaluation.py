"""Scoring the assistant on labelled questions (``make eval-assistant``).

A row: ``{"id", "lang", "question", "expect": "answered" | "out_of_scope" | "personal",
"must_mention": [[alternatives…], …]}``. An answered row is correct when the assistant
answers and every group has one alternative in the answer (case-insensitive; numbers compared
without thousands separators); out_of_scope must be declined; personal must be answered from
the asker's own records (or the pointer to the status check when anonymous).
"""

from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EVAL_DIR = Path(__file__).resolve().parent / "eval"
_SEPARATOR = re.compile(r"(?<=\d)[.,\s](?=\d{3}\b)")


def _normal(text: str) -> str:
    text = text.lower()
    previous = None
    while previous != text:
        previous, text = text, _SEPARATOR.sub("", text)
    return text


def mentions(answer: str, groups: list[list[str]]) -> bool:
    said = _normal(answer)
    return all(any(_normal(alt) in said for alt in group) for group in groups)


@dataclass
class Result:
    row: dict[str, Any]
    outcome: str
    intent: str
    answer: str
    seconds: float
    correct: bool


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    def accuracy(self, lang: str | None = None) -> float:
        chosen = [r for r in self.results if lang is None or r.row.get("lang") == lang]
        return sum(r.correct for r in chosen) / len(chosen) if chosen else 0.0

    def out_of_scope(self) -> tuple[float, float]:
        declined = [r for r in self.results if r.outcome == "out_of_scope"]
        expected = [r for r in self.results if r.row["expect"] == "out_of_scope"]
        right = [r for r in declined if r.row["expect"] == "out_of_scope"]
        precision = len(right) / len(declined) if declined else 1.0
        recall = len(right) / len(expected) if expected else 1.0
        return precision, recall

    def latency_ms(self, percentile: int) -> float:
        values = sorted(r.seconds * 1000 for r in self.results)
        if not values:
            return 0.0
        if len(values) == 1:
            return values[0]
        return statistics.quantiles(values, n=100, method="inclusive")[percentile - 1]

    def summary(self) -> dict[str, Any]:
        precision, recall = self.out_of_scope()
        return {
            "questions": len(self.results),
            "accuracy": round(self.accuracy(), 3),
            "accuracy_id": round(self.accuracy("id"), 3),
            "accuracy_en": round(self.accuracy("en"), 3),
            "out_of_scope_precision": round(precision, 3),
            "out_of_scope_recall": round(recall, 3),
            "p50_ms": round(self.latency_ms(50), 1),
            "p95_ms": round(self.latency_ms(95), 1),
        }


def judge(row: dict[str, Any], outcome: str, intent: str, answer: str) -> bool:
    expect = row["expect"]
    if expect == "out_of_scope":
        return outcome == "out_of_scope"
    if expect == "personal":
        return intent == "personal" and mentions(answer, row.get("must_mention", []))
    return outcome == "answered" and mentions(answer, row.get("must_mention", []))


def load_rows(paths: list[Path]) -> list[dict[str, Any]]:
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def evaluate(rows: list[dict[str, Any]]) -> Report:
    from imigrasi.assistant.actions import answer_question, current_index

    current_index()  # built once, as in a running server
    report = Report()
    for row in rows:
        started = time.perf_counter()
        reply = answer_question(row["question"], language=None)
        seconds = time.perf_counter() - started
        report.results.append(
            Result(
                row,
                reply.outcome,
                reply.intent,
                reply.answer,
                seconds,
                judge(row, reply.outcome, reply.intent, reply.answer),
            )
        )
    return report
