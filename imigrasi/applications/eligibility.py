"""Which service does this person need? A short question tree that ends at a service code.

It exists because choosing the wrong service costs real money: paying for a "new" passport when
you already own one forfeits the fee (domain brief §2.4, §2.9). Answers travel in the query
string, so the tree works without an account and without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Choice:
    value: str
    label: Promise
    next: str  # another question key, or "service:<code>", or "stop:<reason>"


@dataclass(frozen=True)
class EligibilityQuestion:
    key: str
    label: Promise
    hint: Promise | str
    choices: tuple[Choice, ...]


TREE: dict[str, EligibilityQuestion] = {
    q.key: q
    for q in (
        EligibilityQuestion(
            "citizen",
            _("Is the person who needs the service an Indonesian citizen?"),
            "",
            (
                Choice("yes", _("Yes, an Indonesian citizen (WNI)"), "adult"),
                Choice("no", _("No, a foreign national"), "situation"),
            ),
        ),
        EligibilityQuestion(
            "adult",
            _("Is the person 17 or older, or married?"),
            _("Married people under 17 count as adults for passports."),
            (
                Choice("yes", _("Yes"), "passport"),
                Choice("no", _("No: under 17 and not married"), "child_passport"),
            ),
        ),
        EligibilityQuestion(
            "passport",
            _("Which of these is true about their Indonesian passport?"),
            "",
            (
                Choice("never", _("They have never had one"), "service:paspor-baru-dewasa"),
                Choice(
                    "expiring",
                    _("It has expired, expires within 6 months, or its pages are full"),
                    "service:paspor-penggantian",
                ),
                Choice("lost", _("It was lost"), "service:paspor-hilang"),
                Choice("damaged", _("It is damaged"), "service:paspor-rusak"),
                Choice(
                    "valid",
                    _("It is valid for more than 6 months and has free pages"),
                    "stop:passport_still_valid",
                ),
            ),
        ),
        EligibilityQuestion(
            "child_passport",
            _("Which of these is true about the child's passport?"),
            _("Children under 5 can also be served without an appointment at priority counters."),
            (
                Choice("never", _("The child has never had one"), "service:paspor-anak"),
                Choice(
                    "expiring",
                    _("It has expired, expires within 6 months, or its pages are full"),
                    "service:paspor-anak",
                ),
                Choice("lost", _("It was lost"), "service:paspor-hilang"),
                Choice("damaged", _("It is damaged"), "service:paspor-rusak"),
                Choice("valid", _("It is still valid"), "stop:passport_still_valid"),
            ),
        ),
        EligibilityQuestion(
            "situation",
            _("What does the person want to do?"),
            "",
            (
                Choice(
                    "visit_short",
                    _("Visit for up to 30 days: holiday, business talks, meetings or transit"),
                    "service:evoa",
                ),
                Choice(
                    "extend_voa",
                    _("Stay 30 more days after arriving on a visa on arrival"),
                    "service:evoa-perpanjangan",
                ),
                Choice(
                    "tourism_long",
                    _("One longer holiday or social visit (up to 180 days)"),
                    "service:visa-c1",
                ),
                Choice("business_visit", _("One business visit (not work)"), "service:visa-c2"),
                Choice("frequent", _("Visit often over the next years"), "frequent"),
                Choice(
                    "remote_work",
                    _("Work remotely for a company outside Indonesia"),
                    "service:visa-e33g",
                ),
                Choice("spouse", _("Live with an Indonesian husband or wife"), "service:visa-e31a"),
                Choice("invest", _("Invest in Indonesia (golden visa)"), "service:visa-e28c"),
                Choice("retire", _("Retire in Indonesia (60 or older)"), "service:visa-e33-lansia"),
                Choice(
                    "extend_itas",
                    _("Extend a limited stay permit (ITAS)"),
                    "service:itas-perpanjangan",
                ),
                Choice("permanent", _("Get a permanent stay permit (ITAP)"), "service:itap"),
                Choice("leave", _("Leave Indonesia for good, or end a stay permit"), "service:epo"),
            ),
        ),
        EligibilityQuestion(
            "frequent",
            _("What are the frequent visits for?"),
            "",
            (
                Choice("tourism", _("Tourism or family visits"), "service:visa-d1"),
                Choice("business", _("Business (meetings, not work)"), "service:visa-d2"),
            ),
        ),
    )
}

STOP_REASONS = {
    "passport_still_valid": _(
        "They do not need a new passport yet. A passport can be replaced when it expires within "
        "6 months or its pages are full. Applying now would cost the fee for nothing."
    ),
}


@dataclass(frozen=True)
class Step:
    """Where the tree stands: the next question, or the outcome."""

    question: EligibilityQuestion | None
    service_code: str | None
    stop_reason: Promise | None
    answered: list[tuple[EligibilityQuestion, Choice]]


def walk(answers: dict[str, str]) -> Step:
    key = "citizen"
    answered: list[tuple[EligibilityQuestion, Choice]] = []
    while True:
        question = TREE[key]
        choice = next((c for c in question.choices if c.value == answers.get(key)), None)
        if choice is None:
            return Step(question, None, None, answered)
        answered.append((question, choice))
        if choice.next.startswith("service:"):
            return Step(None, choice.next.split(":", 1)[1], None, answered)
        if choice.next.startswith("stop:"):
            return Step(None, None, STOP_REASONS[choice.next.split(":", 1)[1]], answered)
        key = choice.next
