"""People who use the platform, their roles, and the bearer tokens of the mobile API."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imigrasi.lib.encrypted_fields import BlindIndexField, EncryptedTextField
from imigrasi.lib.identifiers import normalise_nik


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    CONTENT_EDITOR = "content_editor", _("Content editor")
    AUDITOR = "auditor", _("Auditor")
    PRIVACY_OFFICER = "privacy_officer", _("Data protection officer")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = frozenset(
    {
        Role.OFFICER,
        Role.SUPERVISOR,
        Role.CONTENT_EDITOR,
        Role.AUDITOR,
        Role.PRIVACY_OFFICER,
        Role.ADMIN,
    }
)
OFFICE_BOUND_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})


class Oversight(models.TextChoices):
    """How far a supervisor's analytics reach: the office head sees the office, a regional
    head (Kantor Wilayah) the province, headquarters the nation."""

    OFFICE = "office", _("Own office")
    REGION = "region", _("Own region (province)")
    NATION = "nation", _("Whole country (headquarters)")


# Fields holding personal data: encrypted at rest and redacted in audit entries.
PERSONAL_FIELDS = {"full_name", "phone", "nik"}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.APPLICANT)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["role"] = Role.ADMIN
        extra["is_superuser"] = True
        extra.setdefault("full_name", "Administrator")
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    full_name = EncryptedTextField(_("full name"))
    phone = EncryptedTextField(_("phone number"), blank=True, default="")
    nik = EncryptedTextField(_("NIK"), blank=True, null=True)
    nik_index = BlindIndexField(source="nik", purpose="nik", normalizer=normalise_nik, unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.APPLICANT)
    office = models.ForeignKey(
        "catalog.Office",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    oversight = models.CharField(
        _("analytics reach"), max_length=10, choices=Oversight.choices, default=Oversight.OFFICE
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=[("id", "Bahasa Indonesia"), ("en", "English")],
        default="id",
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["officer", "supervisor"])
                | models.Q(office__isnull=False),
                name="user_officer_and_supervisor_have_an_office",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    @property
    def is_staff(self) -> bool:
        """Django admin access: administrators only (other staff use the staff area)."""
        return self.role == Role.ADMIN

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]


class ApiToken(models.Model):
    """A bearer token for the mobile app; only its SHA-256 is stored.

    ``password_fingerprint`` ties the token to the password it was issued under: any password
    change, by whatever path (reset, account page, admin, command), invalidates every token.
    ``second_factor`` records that a TOTP code was checked at issue; staff APIs require it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    password_fingerprint = models.CharField(max_length=64)
    second_factor = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_revoked")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"
