"""Extra panels a core page shows for features built above it, without importing them.

A core page (the application's status page, the queue ticket page) asks for the panels of its
slot; a feature app registers a provider for that slot in its ``AppConfig.ready``. A provider
gets the page's object and returns a ``Panel`` (a template name and its context) or None. The
core template includes each panel's template by name, so imports still flow downward: core
apps know nothing of the features that fill their slots.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[Any], Panel | None]
_providers: dict[str, list[Provider]] = {}

# The slots core pages offer.
APPLICATION_STATUS = "application_status"
QUEUE_TICKET = "queue_ticket"


def register(slot: str, provider: Provider) -> None:
    """Idempotent (``ready`` may run more than once in tests)."""
    providers = _providers.setdefault(slot, [])
    if provider not in providers:
        providers.append(provider)


def collect(slot: str, obj: Any) -> list[Panel]:
    """The panels for one page. A failing provider is logged and left out: an extra panel
    never breaks the page that hosts it."""
    panels = []
    for provider in _providers.get(slot, []):
        try:
            panel = provider(obj)
        except Exception:
            logger.exception("panel provider %s failed for slot %s", provider, slot)
            continue
        if panel is not None:
            panels.append(panel)
    return panels
