from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "imigrasi.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from imigrasi.audit import maintenance  # noqa: F401  (registers the SQLite function)
