"""The survey form: the regulation's nine questions, the respondent profile, one free text.

The questions and their four answers follow the questionnaire of PermenPANRB 14/2017
(Indonesian wording in docs/feedback.md, for the translation): 1 is the worst answer, 4 the
best, for every element (for cost, 4 is "free"). One short page: a fieldset of four radios per
question, no script needed; the profile is asked but not required (an unanswered profile
question does not lose the answers that matter for the index).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from imigrasi.feedback.models import AgeBand, Education, Occupation, Sex

SUGGESTION_MAX_CHARS = 1000


@dataclass(frozen=True)
class Element:
    number: int
    name: Promise  # short name for tables ("Requirements")
    question: Promise
    answers: tuple[Promise, Promise, Promise, Promise]  # scores 1, 2, 3, 4


ELEMENTS: tuple[Element, ...] = (
    Element(
        1,
        _("Requirements"),
        _("How well do the service requirements match the type of service?"),
        (_("Not suitable"), _("Less suitable"), _("Suitable"), _("Very suitable")),
    ),
    Element(
        2,
        _("Procedure"),
        _("How easy is the service procedure at this office?"),
        (_("Not easy"), _("Less easy"), _("Easy"), _("Very easy")),
    ),
    Element(
        3,
        _("Completion time"),
        _("How fast was the service delivered?"),
        (_("Not fast"), _("Less fast"), _("Fast"), _("Very fast")),
    ),
    Element(
        4,
        _("Cost"),
        _("How fair was the cost or tariff of the service?"),
        (_("Very expensive"), _("Fairly expensive"), _("Cheap"), _("Free")),
    ),
    Element(
        5,
        _("Service product"),
        _(
            "How well does what you received match what the service standard says you would "
            "receive?"
        ),
        (_("Not suitable"), _("Less suitable"), _("Suitable"), _("Very suitable")),
    ),
    Element(
        6,
        _("Staff competence"),
        _("How competent were the staff who served you?"),
        (_("Not competent"), _("Less competent"), _("Competent"), _("Very competent")),
    ),
    Element(
        7,
        _("Staff behaviour"),
        _("How polite and friendly were the staff who served you?"),
        (
            _("Not polite and friendly"),
            _("Less polite and friendly"),
            _("Polite and friendly"),
            _("Very polite and friendly"),
        ),
    ),
    Element(
        8,
        _("Complaint handling"),
        _("How are complaints, suggestions and feedback from service users handled?"),
        (
            _("There is no way to complain"),
            _("There is one, but it does not work"),
            _("It works, but not fully"),
            _("It is handled well"),
        ),
    ),
    Element(
        9,
        _("Facilities"),
        _("What is the quality of the facilities and infrastructure?"),
        (_("Poor"), _("Adequate"), _("Good"), _("Very good")),
    ),
)


def _blank(choices: Sequence[tuple[str, object]]) -> list[tuple[str, object]]:
    return [("", _("Prefer not to say")), *choices]


class SurveyForm(forms.Form):
    age_band = forms.ChoiceField(
        label=_("Your age"), choices=_blank(AgeBand.choices), required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=_blank(Sex.choices), required=False)
    education = forms.ChoiceField(
        label=_("Highest education"), choices=_blank(Education.choices), required=False
    )
    occupation = forms.ChoiceField(
        label=_("Main occupation"), choices=_blank(Occupation.choices), required=False
    )
    suggestion = forms.CharField(
        label=_("What should we improve? (optional)"),
        help_text=_("Do not write personal details such as your ID or passport number."),
        required=False,
        max_length=SUGGESTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _("Write at most %(limit_value)d characters"),
        },
    )
    anonymous = forms.BooleanField(
        label=_("Do not link my answers to my account"),
        help_text=_(
            "We then keep only the office, the service and its date with your answers, and "
            "cannot reply to your suggestion."
        ),
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The nine questions first, in the regulation's order; then the profile.
        questions: dict[str, forms.Field] = {}
        for element in ELEMENTS:
            questions[f"u{element.number}"] = forms.TypedChoiceField(
                label=f"{element.number}. {element.question}",
                choices=[(str(score), text) for score, text in enumerate(element.answers, 1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer to question %(number)d")
                    % {"number": element.number},
                    "invalid_choice": _("Choose one of the four answers to question %(number)d")
                    % {"number": element.number},
                },
            )
        self.fields = {**questions, **self.fields}
