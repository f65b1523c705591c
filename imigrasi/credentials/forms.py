"""The one field of the public check: the text of a document's QR code, pasted or typed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from imigrasi.lib.credentials import MAX_TEXT_CHARS

# Room for the line breaks and spaces a paste adds around the longest code a QR can hold.
MAX_INPUT_CHARS = MAX_TEXT_CHARS + 100


def normalise_code(text: str) -> str:
    """Forgive what pasting and typing add, and nothing that could change the signed bytes.

    Leading whitespace and trailing line breaks go; a trailing space stays, since the space is
    one of base45's characters. Upper case is safe: the QR alphanumeric set (the prefix and
    base45) has no lower-case letters, so a typed "id1:…" means "ID1:…".
    """
    return text.lstrip().rstrip("\r\n").upper()


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the QR"),
        help_text=_(
            "Scan the QR code on the document with your phone's camera or a scanner and paste "
            "the text here. It starts with ID1:"
        ),
        strip=False,  # normalise_code decides which whitespace may go
        max_length=MAX_INPUT_CHARS,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
        error_messages={
            "required": _("Enter the code from the QR"),
            "max_length": _("The code is too long to come from one of our QR codes"),
        },
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code.strip():
            raise forms.ValidationError(self.fields["code"].error_messages["required"])
        return code
