from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "imigrasi.security"
    verbose_name = _("Security operations")

    def ready(self) -> None:
        from imigrasi.security import checks  # noqa: F401  (registers deployment checks)
