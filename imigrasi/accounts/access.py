"""Who may enter which area. Object-level checks live beside each app's queries."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from imigrasi.accounts.models import STAFF_ROLES, Role

View = Callable[..., HttpResponse]


def role_required(roles: Iterable[Role]) -> Callable[[View], View]:
    """Signed-in users with one of ``roles``; staff second factor is enforced by middleware."""
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request.user, "role", None) not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = role_required(STAFF_ROLES)
