"""Forms of the assistant's pages: the plain chat page, its votes, and the help desk reply.

The question is never refused by the form: empty, over-long or marked-up questions go to
``answer_question`` like the API's, which answers each with a clear reply of its own.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imigrasi.assistant.language import MAX_QUESTION_CHARS

# Longer input is cut before answering (the answer is "ask at most 500 characters" anyway).
KEPT_QUESTION_CHARS = 5_000


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Your question"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    # The "talk to a person" button: the view asks the fixed request in the page's language.
    handoff = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].help_text = gettext(
            "Ask one question of at most %(n)s characters, in Indonesian or English. Do not "
            "type your NIK, passport number or other personal details."
        ) % {"n": MAX_QUESTION_CHARS}

    def question_text(self) -> str:
        return str(self.cleaned_data.get("question") or "")[:KEPT_QUESTION_CHARS]


class VoteForm(forms.Form):
    message = forms.IntegerField(min_value=1)
    helpful = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")], coerce=lambda value: value == "yes"
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        help_text=_(
            "The person sees it on the assistant page. NIK, passport numbers, phone numbers "
            "and email addresses are masked."
        ),
        max_length=2000,
        strip=True,
        error_messages={"required": _("Type your reply.")},
        widget=forms.Textarea(attrs={"rows": 4}),
    )
