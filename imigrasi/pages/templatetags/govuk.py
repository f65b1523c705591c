"""Render Django form fields as GOV.UK Frontend components.

One place decides the accessible markup of every field in the platform (label, hint, error
message linked through aria-describedby, error summary linking to the field), so forms from
allauth and from our own apps look and behave the same.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()


def _kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    # CheckboxSelectMultiple subclasses RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


_CLASSES = {
    "input": "govuk-input",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
    "radios": "govuk-radios__input",
    "checkboxes": "govuk-checkboxes__input",
}
_ERROR_CLASSES = {
    "input": "govuk-input--error",
    "select": "govuk-select--error",
    "textarea": "govuk-textarea--error",
    "file": "govuk-file-upload--error",
}


def field_context(
    field: forms.BoundField, width: str = "", heading: bool = False
) -> dict[str, Any]:
    kind = _kind(field)
    field_id = field.id_for_label or field.auto_id or field.html_name
    hint_id = f"{field_id}-hint" if field.help_text else ""
    error_id = f"{field_id}-error" if field.errors else ""
    described_by = " ".join(part for part in (hint_id, error_id) if part)
    classes = [_CLASSES.get(kind, "")]
    if field.errors and kind in _ERROR_CLASSES:
        classes.append(_ERROR_CLASSES[kind])
    if width and kind == "input":
        classes.append(f"govuk-input--width-{width}")
    attrs: dict[str, Any] = {"class": " ".join(c for c in classes if c)}
    if described_by:
        attrs["aria-describedby"] = described_by
    if field.errors:
        attrs["aria-invalid"] = "true"
    placeholder = field.field.widget.attrs.get("placeholder")
    if placeholder:
        # Labels, not placeholders, name fields; allauth sets placeholders for unlabeled forms.
        attrs["placeholder"] = ""
    return {
        "field": field,
        "kind": kind,
        "field_id": field_id,
        "hint_id": hint_id,
        "error_id": error_id,
        "widget": field.as_widget(attrs=attrs) if kind not in {"radios", "checkboxes"} else "",
        "described_by": described_by,
        "heading": heading,
    }


@register.simple_tag
def govuk_field(
    field: forms.BoundField, width: str = "", question_heading: bool = False
) -> SafeString:
    """``question_heading``: the label is the page's h1 (one question per page)."""
    context = field_context(field, width, heading=question_heading)
    return SafeString(render_to_string("includes/field.html", context))


@register.simple_tag
def govuk_fields(form: forms.BaseForm) -> SafeString:
    parts = [render_to_string("includes/field.html", field_context(field)) for field in form]
    return SafeString("".join(parts))


@register.simple_tag
def govuk_error_summary(form: forms.BaseForm) -> SafeString:
    if not form.is_bound or not form.errors:
        return SafeString("")
    items: list[dict[str, str]] = [
        {"message": str(error), "href": ""} for error in form.non_field_errors()
    ]
    for field in form:
        for error in field.errors:
            # A group of radios or checkboxes has no element with the field's id: the
            # summary links to its first option, as the GOV.UK pattern does.
            target = field.id_for_label or (
                f"{field.auto_id}_0" if _kind(field) in {"radios", "checkboxes"} else field.auto_id
            )
            items.append({"message": str(error), "href": f"#{target}"})
    return SafeString(render_to_string("includes/error_summary.html", {"items": items}))
