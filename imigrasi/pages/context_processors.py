"""Values every page template needs: the service name, menus, languages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def _navigation(request: HttpRequest) -> list[NavItem]:
    user: Any = request.user
    items: list[tuple[str, str]] = [
        (_("Home"), reverse("pages:home")),
        (_("Services"), reverse("catalog:services")),
        (_("Check status"), reverse("status_check")),
    ]
    if user.is_authenticated:
        if getattr(user, "is_staff_role", False):
            items.append((_("Staff area"), reverse("staff:home")))
        else:
            items.append((_("Your applications"), reverse("applications:mine")))
            items.append((_("Your visits"), reverse("bookings:mine")))
        items.append((_("Your account"), reverse("accounts:dashboard")))
    else:
        items.append((_("Sign in"), reverse("account_login")))
        items.append((_("Create an account"), reverse("account_signup")))
    path = request.path
    home = reverse("pages:home")
    return [
        NavItem(label, url, path == url if url == home else path.startswith(url))
        for label, url in items
    ]


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "portal": {
            "name": "Imigrasi Digital",
            "languages": [
                ("id", "Bahasa Indonesia"),
                ("en", "English"),
            ],
            "navigation": _navigation(request),
            "footer_links": [
                NavItem(_("Accessibility"), reverse("pages:accessibility"), False),
                NavItem(_("Privacy notice"), reverse("pages:privacy"), False),
                NavItem(_("Terms of use"), reverse("pages:terms"), False),
                NavItem(_("Check a document"), reverse("credentials:check"), False),
                NavItem(
                    _("Check someone's permission to stay"), reverse("status_check:check"), False
                ),
                NavItem(_("Make a complaint"), reverse("complaints:start"), False),
                NavItem(_("Satisfaction survey results"), reverse("ikm:results"), False),
            ],
        }
    }
