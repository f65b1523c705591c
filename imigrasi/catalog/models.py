"""Immigration offices and the service catalog (services, requirements, effective-dated fees).

Everything a regulation changes is data here: a new PNBP tariff is a new FeeLine with an
``effective_from`` date, not a code change (domain brief §10). Service texts are bilingual
fields because editors maintain them in the admin, not translators in .po files.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from imigrasi.catalog.conditions import CONDITION_CHOICES


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


def bilingual(obj: object, field: str) -> str:
    """The Indonesian or English variant of a text field, following the active language."""
    language = (get_language() or "id")[:2]
    value = getattr(obj, f"{field}_{'en' if language == 'en' else 'id'}", "")
    return str(value or getattr(obj, f"{field}_id", ""))


class ServiceFamily(models.TextChoices):
    PASSPORT = "passport", _("Passports")
    VISA = "visa", _("Visas")
    STAY_PERMIT = "stay_permit", _("Stay permits")


class Workflow(models.TextChoices):
    """Which status machine an application follows (domain brief §2.5 and §8.2)."""

    PASSPORT = "passport", _("Passport")
    VISA = "visa", _("Visa or stay permit")


class Citizenship(models.TextChoices):
    CITIZEN = "citizen", _("Indonesian citizens")
    FOREIGNER = "foreigner", _("Foreign nationals")


class CompletionUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("days")
    SAME_DAY = "same_day", _("same day")


class Service(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    family = models.CharField(_("family"), max_length=20, choices=ServiceFamily.choices)
    workflow = models.CharField(_("workflow"), max_length=20, choices=Workflow.choices)
    citizenship = models.CharField(_("for"), max_length=20, choices=Citizenship.choices)
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    summary_id = models.TextField(_("summary (Indonesian)"))
    summary_en = models.TextField(_("summary (English)"))
    who_can_apply_id = models.TextField(_("who can apply (Indonesian)"), blank=True)
    who_can_apply_en = models.TextField(_("who can apply (English)"), blank=True)
    procedure_id = models.TextField(_("procedure, one step per line (Indonesian)"), blank=True)
    procedure_en = models.TextField(_("procedure, one step per line (English)"), blank=True)
    product_id = models.CharField(_("what you receive (Indonesian)"), max_length=300, blank=True)
    product_en = models.CharField(_("what you receive (English)"), max_length=300, blank=True)
    legal_basis_id = models.TextField(_("legal basis (Indonesian)"), blank=True)
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True)
    completion_value = models.PositiveSmallIntegerField(_("completion time"), default=0)
    completion_unit = models.CharField(
        _("completion time unit"), max_length=20, choices=CompletionUnit.choices
    )
    completion_note_id = models.CharField(
        _("completion note (Indonesian)"), max_length=300, blank=True
    )
    completion_note_en = models.CharField(
        _("completion note (English)"), max_length=300, blank=True
    )
    requires_visit = models.BooleanField(_("an office visit is required"), default=True)
    visit_reason_id = models.CharField(_("why a visit (Indonesian)"), max_length=300, blank=True)
    visit_reason_en = models.CharField(_("why a visit (English)"), max_length=300, blank=True)
    online_application = models.BooleanField(_("can be applied for online"), default=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    # How long a granted visa or stay permit lasts (domain brief §3): data, because a visa
    # regulation changes them. imigrasi.applications.validity turns them into dates.
    validity_years = models.PositiveSmallIntegerField(
        _("validity in years (when no option sets it)"), null=True, blank=True
    )
    entry_within_days = models.PositiveSmallIntegerField(
        _("must be used to enter within (days of issue)"), null=True, blank=True
    )
    stay_days = models.PositiveSmallIntegerField(
        _("stay per entry, or length of an extension (days)"), null=True, blank=True
    )
    extends_permit = models.BooleanField(
        _("extends a visa or permit the holder already has"), default=False
    )
    is_addon = models.BooleanField(_("add-on to another service"), default=False)
    addon_for = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="addons",
        verbose_name=_("add-on available for"),
    )
    display_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["family", "display_order", "code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name_id

    @property
    def name(self) -> str:
        return bilingual(self, "name")

    @property
    def summary(self) -> str:
        return bilingual(self, "summary")

    @property
    def who_can_apply(self) -> str:
        return bilingual(self, "who_can_apply")

    @property
    def procedure_steps(self) -> list[str]:
        return [line.strip() for line in bilingual(self, "procedure").splitlines() if line.strip()]

    @property
    def product(self) -> str:
        return bilingual(self, "product")

    @property
    def legal_basis(self) -> str:
        return bilingual(self, "legal_basis")

    @property
    def completion_note(self) -> str:
        return bilingual(self, "completion_note")

    @property
    def visit_reason(self) -> str:
        return bilingual(self, "visit_reason")


class ServiceVariant(models.Model):
    """A choice inside a service that changes the fee (passport kind and validity, visa years)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="variants")
    code = models.SlugField(_("code"), max_length=40)
    label_id = models.CharField(_("label (Indonesian)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    validity_years = models.PositiveSmallIntegerField(_("validity in years"), null=True, blank=True)
    display_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["display_order", "code"]
        verbose_name = _("service variant")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"], name="variant_code_unique_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.code}:{self.code}"

    @property
    def label(self) -> str:
        return bilingual(self, "label")


class Requirement(models.Model):
    """One item of a service's checklist; ``condition`` decides whether it applies."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="requirements")
    code = models.SlugField(_("code"), max_length=60)
    name_id = models.CharField(_("name (Indonesian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    help_id = models.TextField(_("help (Indonesian)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    condition = models.CharField(
        _("applies when"), max_length=40, choices=CONDITION_CHOICES, default="always"
    )
    upload = models.BooleanField(_("a scan is uploaded online"), default=True)
    display_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["display_order", "code"]
        verbose_name = _("requirement")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"], name="requirement_code_unique_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.code}:{self.code}"

    @property
    def name(self) -> str:
        return bilingual(self, "name")

    @property
    def help(self) -> str:
        return bilingual(self, "help")


class FeeKind(models.TextChoices):
    BASE = "base", _("Fee")
    SURCHARGE = "surcharge", _("Surcharge")
    ADDON = "addon", _("Add-on")


class FeeLine(models.Model):
    """A PNBP tariff line, valid between two dates (inclusive); old lines stay for history."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fee_lines")
    variant = models.ForeignKey(
        ServiceVariant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fee_lines",
        help_text=_("Empty: applies to every variant."),
    )
    label_id = models.CharField(_("label (Indonesian)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    kind = models.CharField(_("kind"), max_length=20, choices=FeeKind.choices, default=FeeKind.BASE)
    condition = models.CharField(
        _("applies when"), max_length=40, choices=CONDITION_CHOICES, default="always"
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    note_id = models.CharField(_("note (Indonesian)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["service", "effective_from", "id"]
        verbose_name = _("fee line")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="fee_line_period_is_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.code} {self.label_id} Rp{self.amount:,}"

    def clean(self) -> None:
        if self.variant is not None and self.variant.service_id != self.service_id:
            raise ValidationError({"variant": _("This variant belongs to another service.")})

    @property
    def label(self) -> str:
        return bilingual(self, "label")

    @property
    def note(self) -> str:
        return bilingual(self, "note")

    def is_effective_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )
