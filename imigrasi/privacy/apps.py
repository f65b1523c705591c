from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "imigrasi.privacy"
    verbose_name = _("Personal data protection")

    def ready(self) -> None:
        from imigrasi.privacy import signals  # noqa: F401  (consent recorded at sign-up)
