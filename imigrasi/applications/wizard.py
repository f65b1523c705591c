"""Where an application stands in the wizard: which questions apply, which are answered,
which documents are still missing, and whether it can be sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imigrasi.applications.models import Application, Document, ScanStatus
from imigrasi.applications.questions import (
    Context,
    Question,
    applicable_questions,
    facts_for,
)
from imigrasi.catalog.models import Requirement
from imigrasi.catalog.queries import applicable_requirements, jakarta_today


def context_for(application: Application) -> Context:
    return Context(
        application=application,
        person=application.person,
        answers=dict(application.answers or {}),
        today=jakarta_today(),
    )


def current_value(question: Question, ctx: Context) -> Any:
    """The stored answer in the shape the question's form expects (None when unanswered)."""
    if question.store.startswith("person:"):
        value = getattr(ctx.person, question.store.split(":", 1)[1]) or None
        return value
    if question.key == "variant":
        return ctx.application.variant_code or None
    if question.key == "office":
        office = ctx.application.office
        return office.code if office else None
    if question.key == "mrz":
        mrz = ctx.answers.get("mrz")
        return mrz.get("raw") if isinstance(mrz, dict) else None
    value = ctx.answers.get(question.key)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def is_answered(question: Question, ctx: Context) -> bool:
    return current_value(question, ctx) not in (None, "")


def next_question(ctx: Context) -> Question | None:
    for question in applicable_questions(ctx):
        if not is_answered(question, ctx):
            return question
    return None


def required_documents(ctx: Context) -> list[Requirement]:
    return [r for r in applicable_requirements(ctx.application.service, facts_for(ctx)) if r.upload]


def current_documents(application: Application) -> dict[str, Document]:
    return {doc.requirement_code: doc for doc in application.documents.filter(is_current=True)}


@dataclass(frozen=True)
class Readiness:
    unanswered: list[Question]
    missing_documents: list[Requirement]
    unsafe_documents: list[Document]

    @property
    def ready(self) -> bool:
        return not (self.unanswered or self.missing_documents or self.unsafe_documents)


def readiness(application: Application) -> Readiness:
    ctx = context_for(application)
    documents = current_documents(application)
    requirements = required_documents(ctx)
    return Readiness(
        unanswered=[q for q in applicable_questions(ctx) if not is_answered(q, ctx)],
        missing_documents=[r for r in requirements if r.mandatory and r.code not in documents],
        unsafe_documents=[d for d in documents.values() if d.scan_status == ScanStatus.INFECTED],
    )
