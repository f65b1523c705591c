import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "imigrasi.registry"
    label = "registry"
    verbose_name = _("Registry checks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Mask identifiers in the outbound client's own log records, at the source.

        The family lookup is ``GET /v1/nik/{nik}/family``: the NIK is in the path, and the
        outbound client logs the path of a failed or refused request (a 404 for an unknown
        NIK is routine). The console handler already masks 16-digit numbers, but any other
        handler (a log shipper, a test's capture) would see the record before that; a filter
        on the logger itself cleans the record for every handler.
        """
        from imigrasi.lib.log_redaction import RedactingFilter

        outbound = logging.getLogger("imigrasi.lib.http")
        if not any(isinstance(f, RedactingFilter) for f in outbound.filters):
            outbound.addFilter(RedactingFilter())
