from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantConfig(AppConfig):
    name = "imigrasi.assistant"
    verbose_name = _("Assistant")

    def ready(self) -> None:
        from imigrasi.assistant import signals  # noqa: F401
