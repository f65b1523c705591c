"""One demo user per role, with verified email and (for staff) a known TOTP secret.

The secrets are published in README.md on purpose, so a tester can sign in; the loader refuses
to run in production mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.db import transaction

from imigrasi.accounts.models import Oversight, Role, User
from imigrasi.catalog.models import Office

DEMO_PASSWORD = "sandi-demo-2026"  # noqa: S105 - published demo credential, refused in production


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role
    office_code: str | None = None
    totp_secret: str | None = None
    oversight: Oversight = Oversight.OFFICE


DEMO_USERS = [
    DemoUser("pemohon@demo.imigrasi.example", "Siti Rahmawati", Role.APPLICANT),
    DemoUser("pemohon2@demo.imigrasi.example", "Budi Santoso", Role.APPLICANT),
    DemoUser(
        "petugas@demo.imigrasi.example",
        "Andi Pratama",
        Role.OFFICER,
        "kanim-jakarta-selatan",
        "DEMOOFFICERJAKSELTOTPSECRETAAAAA",
    ),
    DemoUser(
        "petugas.denpasar@demo.imigrasi.example",
        "I Made Wirawan",
        Role.OFFICER,
        "kanim-denpasar",
        "DEMOOFFICERDENPASARTOTPSECRETAAA",
    ),
    DemoUser(
        "supervisor@demo.imigrasi.example",
        "Rina Kusumawati",
        Role.SUPERVISOR,
        "kanim-jakarta-selatan",
        "DEMOSUPERVISORTOTPSECRETAAAAAAAA",
    ),
    DemoUser(
        "kanwil.bali@demo.imigrasi.example",
        "Ni Luh Putu Sari",
        Role.SUPERVISOR,
        "kanim-denpasar",
        "DEMOREGIONALHEADTOTPSECRETAAAAAA",
        Oversight.REGION,
    ),
    DemoUser(
        "pusat@demo.imigrasi.example",
        "Agus Haryanto",
        Role.SUPERVISOR,
        "kanim-jakarta-pusat",
        "DEMOHEADQUARTERSTOTPSECRETAAAAAA",
        Oversight.NATION,
    ),
    DemoUser(
        "editor@demo.imigrasi.example",
        "Dewi Lestari",
        Role.CONTENT_EDITOR,
        None,
        "DEMOEDITORTOTPSECRETAAAAAAAAAAAA",
    ),
    DemoUser(
        "auditor@demo.imigrasi.example",
        "Hendra Gunawan",
        Role.AUDITOR,
        None,
        "DEMOAUDITORTOTPSECRETAAAAAAAAAAA",
    ),
    DemoUser(
        "pdp@demo.imigrasi.example",
        "Lestari Wulandari",
        Role.PRIVACY_OFFICER,
        None,
        "DEMOPRIVACYOFFICERTOTPSECRETAAAA",
    ),
    DemoUser(
        "admin@demo.imigrasi.example",
        "Admin Sistem",
        Role.ADMIN,
        None,
        "DEMOADMINTOTPSECRETAAAAAAAAAAAAA",
    ),
]


def _ensure_user(demo: DemoUser) -> User:
    office = Office.objects.get(code=demo.office_code) if demo.office_code else None
    user = User.objects.filter(email=demo.email).first()
    if user is None:
        user = User.objects.create_user(
            demo.email,
            DEMO_PASSWORD,
            full_name=demo.full_name,
            role=demo.role,
            office=office,
            is_superuser=demo.role == Role.ADMIN,
            oversight=demo.oversight,
        )
    EmailAddress.objects.update_or_create(
        user=user, email=demo.email, defaults={"verified": True, "primary": True}
    )
    if (
        demo.totp_secret
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.TOTP,
            data={"secret": encrypt(demo.totp_secret)},
        )
    return user


def load() -> list[str]:
    lines = ["", f"Demo logins (password for all: {DEMO_PASSWORD})"]
    with transaction.atomic():
        for demo in DEMO_USERS:
            _ensure_user(demo)
            extra = f"  TOTP secret {demo.totp_secret}" if demo.totp_secret else ""
            office = f" @ {demo.office_code}" if demo.office_code else ""
            lines.append(f"  {demo.role.value:<15} {demo.email}{office}{extra}")
    lines.append(
        "Staff must enter a 6-digit code: add the TOTP secret to an authenticator app, or run "
        "`.venv/bin/python manage.py demo_totp_code <email>`."
    )
    return lines
