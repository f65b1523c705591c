from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "imigrasi.credentials"
    verbose_name = _("Documents verifiable offline")
    default_auto_field = "django.db.models.BigAutoField"
