"""Immigration offices (service points). Services and fees join this app in later issues."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeKind(models.TextChoices):
    KANIM_KELAS_I_KHUSUS = "kanim_i_khusus", _("Immigration Office Class I Special")
    KANIM_KELAS_I = "kanim_i", _("Immigration Office Class I")
    KANIM_KELAS_II = "kanim_ii", _("Immigration Office Class II")
    KANIM_KELAS_III = "kanim_iii", _("Immigration Office Class III")
    ULP = "ulp", _("Passport Service Unit (ULP)")
    UKK = "ukk", _("Immigration Office Work Unit (UKK)")
    MPP = "mpp", _("Public Service Mall counter (MPP)")


class IndonesianTimeZone(models.TextChoices):
    """The three zones; the IANA name is the value so it can feed ZoneInfo directly."""

    WIB = "Asia/Jakarta", "WIB"
    WITA = "Asia/Makassar", "WITA"
    WIT = "Asia/Jayapura", "WIT"


class Office(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OfficeKind.choices)
    has_checkpoint = models.BooleanField(_("has an immigration checkpoint (TPI)"), default=False)
    address = models.CharField(_("address"), max_length=300)
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=40, choices=IndonesianTimeZone.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-11) & models.Q(latitude__lte=6),
                name="office_latitude_in_indonesia",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=94) & models.Q(longitude__lte=142),
                name="office_longitude_in_indonesia",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def zone_abbreviation(self) -> str:
        return IndonesianTimeZone(self.timezone).label
