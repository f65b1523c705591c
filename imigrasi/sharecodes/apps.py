from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShareCodesConfig(AppConfig):
    name = "imigrasi.sharecodes"
    verbose_name = _("Share codes and status checks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The holder's "who has seen your data" list (accounts) names the organisation that
        # checked; accounts is a core app and does not import this one, so we tell it how.
        from imigrasi.accounts.queries import register_read_describer
        from imigrasi.sharecodes.queries import ACTOR_PREFIX, describe_read

        register_read_describer(ACTOR_PREFIX, describe_read)
