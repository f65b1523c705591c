from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "imigrasi.outbox"
    verbose_name = _("Decision events for other agencies")
    default_auto_field = "django.db.models.BigAutoField"
