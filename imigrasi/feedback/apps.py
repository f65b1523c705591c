from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "imigrasi.feedback"
    label = "feedback"
    verbose_name = _("Satisfaction survey (IKM)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Listen to the core apps below (they never import this feature app)."""
        from imigrasi.applications.signals import status_changed
        from imigrasi.appointments.signals import ticket_served
        from imigrasi.feedback import receivers
        from imigrasi.lib import panels

        status_changed.connect(receivers.on_status_changed, dispatch_uid="feedback.invite")
        ticket_served.connect(receivers.on_ticket_served, dispatch_uid="feedback.invite")
        panels.register(panels.APPLICATION_STATUS, receivers.application_panel)
        panels.register(panels.QUEUE_TICKET, receivers.ticket_panel)
