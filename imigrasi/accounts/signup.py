"""allauth forms adjusted for keyboard and reading order.

Kept apart from forms.py: allauth builds its form on top of ACCOUNT_SIGNUP_FORM_CLASS from
that module, so importing allauth's form there would be circular.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm

FIELD_ORDER = ["full_name", "email", "password1", "password2", "privacy_consent"]


class SignupForm(AllauthSignupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(FIELD_ORDER)


class LoginForm(AllauthLoginForm):
    """The reset link moves below the form (templates/account/login.html) so that Tab goes
    straight from the email field to the password field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""
