"""The GOV.UK form tags: every error-summary link lands on an element that exists."""

from __future__ import annotations

import re

from django import forms

from imigrasi.pages.templatetags.govuk import _kind, govuk_error_summary, govuk_field


class Choices(forms.Form):
    name = forms.CharField()
    office = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    needs = forms.MultipleChoiceField(
        choices=[("wheelchair", "Wheelchair"), ("sign", "Sign language")],
        widget=forms.CheckboxSelectMultiple,
    )


def test_checkbox_groups_are_not_taken_for_radios() -> None:
    form = Choices()
    assert _kind(form["needs"]) == "checkboxes"
    assert _kind(form["office"]) == "radios"
    assert 'type="checkbox"' in govuk_field(form["needs"])


def test_error_summary_links_to_an_element_on_the_page() -> None:
    form = Choices(data={})
    assert not form.is_valid()
    page = govuk_error_summary(form) + "".join(govuk_field(form[name]) for name in form.fields)
    targets = re.findall(r'href="#([^"]+)"', govuk_error_summary(form))
    assert sorted(targets) == ["id_name", "id_needs_0", "id_office_0"]
    for target in targets:
        assert f'id="{target}"' in page
