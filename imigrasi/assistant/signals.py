"""Any change to what the assistant knows marks its index stale in every process."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from imigrasi.appointments.models import OfficeHours
from imigrasi.assistant.models import KnowledgeEntry
from imigrasi.catalog.models import FeeLine, Office, Requirement, Service, ServiceVariant


def _changed(sender: Any, **kwargs: Any) -> None:
    from imigrasi.assistant.actions import knowledge_changed

    knowledge_changed()


for _model in (Service, ServiceVariant, FeeLine, Requirement, Office, OfficeHours, KnowledgeEntry):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"assistant-{_model.__name__}-save")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"assistant-{_model.__name__}-del")
