from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=100)
    actor_id = forms.IntegerField(label=_("Actor id"), required=False, min_value=1)
    subject_id = forms.IntegerField(label=_("Data subject id"), required=False, min_value=1)
