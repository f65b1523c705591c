"""Demo applications in every status, across offices and services, built through the actions.

Every application is created, answered, documented, submitted, paid and decided by the same
code paths the site uses (so the audit log and histories are real); only the billing system's
answer is stood in for, because the payment simulator is not running while demo data loads.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from imigrasi.accounts.models import Role, User
from imigrasi.applications import actions
from imigrasi.applications.models import Application, BillingCode, BillingStatus, Person
from imigrasi.applications.wizard import context_for, next_question, required_documents
from imigrasi.catalog.models import Office, Service
from imigrasi.lib.billing import PaymentNotice
from imigrasi.lib.mrz import make_td3

# The demo visitor's passport, also the tests' foreign applicant.
VISITOR_MRZ = make_td3(
    surname="SMITH",
    given_names="OLIVIA JANE",
    number="PA1234567",
    nationality="AUS",
    birth="920315",
    sex="F",
    expiry="320815",
)
DEMO_PASSWORD = "sandi-demo-2026"  # noqa: S105 - published demo credential, refused in production


@dataclass
class DemoCase:
    account: str
    service: str
    office: str
    target: str  # status to reach
    name: str
    birth: str
    sex: str
    nik: str = ""
    relationship: str = "self"
    extra: dict[str, Any] = field(default_factory=dict)


# NIKs follow the real structure (province, regency, district, birth date +40 for women) but
# are invented; names are common Indonesian names.
CASES = [
    DemoCase(
        "pemohon@demo.imigrasi.example",
        "paspor-baru-dewasa",
        "kanim-jakarta-selatan",
        "awaiting_payment",
        "SITI RAHMAWATI",
        "1991-04-12",
        "F",
        "3174055204910003",
    ),
    DemoCase(
        "pemohon@demo.imigrasi.example",
        "paspor-anak",
        "kanim-jakarta-selatan",
        "draft",
        "NAYLA PUTRI RAHMAWATI",
        "2019-09-03",
        "F",
        "3174054309190002",
        "child",
    ),
    DemoCase(
        "pemohon@demo.imigrasi.example",
        "paspor-penggantian",
        "kanim-jakarta-selatan",
        "in_production",
        "ARIF HIDAYAT",
        "1988-01-23",
        "M",
        "3174052301880005",
        "spouse",
    ),
    DemoCase(
        "pemohon2@demo.imigrasi.example",
        "paspor-baru-dewasa",
        "kanim-denpasar",
        "in_review",
        "BUDI SANTOSO",
        "1985-06-30",
        "M",
        "5171013006850004",
    ),
    DemoCase(
        "pemohon3@demo.imigrasi.example",
        "paspor-baru-dewasa",
        "kanim-jakarta-selatan",
        "documents_requested",
        "DEWI ANGGRAINI",
        "1995-11-02",
        "F",
        "3171074211950001",
    ),
    DemoCase(
        "pemohon4@demo.imigrasi.example",
        "paspor-penggantian",
        "kanim-jakarta-selatan",
        "awaiting_visit",
        "AHMAD FAUZI",
        "1979-03-15",
        "M",
        "3201011503790006",
    ),
    DemoCase(
        "pemohon5@demo.imigrasi.example",
        "paspor-baru-dewasa",
        "kanim-jakarta-selatan",
        "interviewed",
        "RINA WULANDARI",
        "1999-07-21",
        "F",
        "3603126107990002",
    ),
    DemoCase(
        "pemohon6@demo.imigrasi.example",
        "paspor-baru-dewasa",
        "kanim-jakarta-selatan",
        "ready_for_pickup",
        "JOKO PRASETYO",
        "1983-12-09",
        "M",
        "3374010912830003",
    ),
    DemoCase(
        "pemohon7@demo.imigrasi.example",
        "paspor-penggantian",
        "kanim-jakarta-selatan",
        "collected",
        "MEGA SARI",
        "1990-02-28",
        "F",
        "3578016802900007",
    ),
    DemoCase(
        "pemohon8@demo.imigrasi.example",
        "paspor-hilang",
        "kanim-jakarta-selatan",
        "rejected",
        "HENDRA WIJAYA",
        "1976-10-05",
        "M",
        "3171020510760002",
    ),
    DemoCase(
        "pemohon9@demo.imigrasi.example",
        "paspor-baru-dewasa",
        "kanim-jakarta-selatan",
        "no_show",
        "PUTU AYU LESTARI",
        "2001-05-17",
        "F",
        "5103015705010004",
    ),
    DemoCase(
        "pemohon10@demo.imigrasi.example",
        "paspor-baru-dewasa",
        "kanim-denpasar",
        "payment_expired",
        "KADEK SURYA",
        "1997-08-08",
        "M",
        "5171010808970005",
    ),
    DemoCase(
        "pemohon11@demo.imigrasi.example",
        "paspor-rusak",
        "kanim-surabaya",
        "in_review",
        "SRI MULYANI",
        "1970-04-01",
        "F",
        "3578014104700003",
    ),
    DemoCase(
        "pemohon12@demo.imigrasi.example",
        "paspor-baru-dewasa",
        "kanim-makassar",
        "awaiting_payment",
        "ANDI MAPPANYUKKI",
        "1993-09-19",
        "M",
        "7371011909930002",
    ),
    DemoCase(
        "pemohon13@demo.imigrasi.example",
        "paspor-baru-dewasa",
        "kanim-jayapura",
        "withdrawn",
        "YOHANES WENDA",
        "1987-12-24",
        "M",
        "9471012412870001",
    ),
    DemoCase(
        "pemohon14@demo.imigrasi.example",
        "paspor-penggantian",
        "kanim-jakarta-selatan",
        "cancelled_uncollected",
        "LINA MARLINA",
        "1981-06-11",
        "F",
        "3273055106810006",
    ),
    # Foreign nationals (MRZ instead of NIK); processed by the online-processing office.
    DemoCase(
        "visitor1@demo.imigrasi.example",
        "evoa",
        "",
        "approved",
        "",
        "",
        "",
        extra={"mrz": VISITOR_MRZ},
    ),
    DemoCase(
        "visitor2@demo.imigrasi.example",
        "visa-e33g",
        "kanim-ngurah-rai",
        "in_verification",
        "",
        "",
        "",
        extra={
            "mrz": make_td3(
                surname="MUELLER",
                given_names="LUKAS",
                number="C01X00T47",
                nationality="DEU",
                birth="880722",
                sex="M",
                expiry="310530",
            )
        },
    ),
    DemoCase(
        "visitor3@demo.imigrasi.example",
        "visa-e31a",
        "kanim-jakarta-selatan",
        "information_requested",
        "",
        "",
        "",
        extra={
            "mrz": make_td3(
                surname="TANAKA",
                given_names="HIROSHI",
                number="TR1234567",
                nationality="JPN",
                birth="851010",
                sex="M",
                expiry="331231",
            ),
            "sponsor_name": "RATNA DEWI",
            "sponsor_nik": "3174054505900002",
        },
    ),
    # A granted multiple-entry visa that a supervisor later cancelled (sponsor withdrew).
    DemoCase(
        "visitor5@demo.imigrasi.example",
        "visa-d2",
        "kanim-jakarta-selatan",
        "cancelled",
        "",
        "",
        "",
        extra={
            "mrz": make_td3(
                surname="DUBOIS",
                given_names="CLAIRE",
                number="19FR54321",
                nationality="FRA",
                birth="900314",
                sex="F",
                expiry="320611",
            )
        },
    ),
    DemoCase(
        "visitor4@demo.imigrasi.example",
        "visa-c1",
        "",
        "rejected",
        "",
        "",
        "",
        extra={
            "mrz": make_td3(
                surname="JOHNSON",
                given_names="EMILY",
                number="555000444",
                nationality="USA",
                birth="951225",
                sex="F",
                expiry="301118",
            )
        },
    ),
]

# The officer actions that lead from "paid" to each target, per workflow.
PASSPORT_PATHS = {
    "in_review": [],
    "documents_requested": ["request_documents"],
    "awaiting_visit": ["accept_documents"],
    "interviewed": ["accept_documents", "record_visit"],
    "in_production": ["accept_documents", "record_visit", "approve"],
    "ready_for_pickup": ["accept_documents", "record_visit", "approve", "mark_ready"],
    "collected": ["accept_documents", "record_visit", "approve", "mark_ready", "mark_collected"],
    "cancelled_uncollected": [
        "accept_documents",
        "record_visit",
        "approve",
        "mark_ready",
        "cancel_uncollected",
    ],
    "rejected": ["accept_documents", "record_visit", "reject"],
    "no_show": ["accept_documents", "mark_no_show"],
}
VISA_PATHS = {
    "in_verification": [],
    "information_requested": ["request_information"],
    "approved": ["approve"],
    "cancelled": ["approve"],  # then cancelled by a supervisor (build_application)
    "rejected": ["reject"],
}
MESSAGES = {
    "request_documents": "Foto e-KTP kurang jelas; unggah ulang dengan pencahayaan yang cukup.",
    "request_information": "Unggah ulang buku nikah beserta terjemahan tersumpah.",
    "reject": "Dokumen kehilangan tidak sesuai dengan data kepolisian.",
    "approve": "",
}


def specimen_scan(label: str) -> bytes:
    """A plain PNG that says SPECIMEN: passes the real upload checks, holds no real data."""
    image = Image.new("RGB", (640, 420), (247, 247, 242))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 630, 410), outline=(11, 61, 107), width=4)
    draw.text((40, 60), "CONTOH / SPECIMEN", fill=(11, 61, 107))
    draw.text((40, 120), label[:60], fill=(30, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _account(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name or "Demo Visitor")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _officer_for(office: Office | None) -> User:
    officer = User.objects.filter(office=office, role=Role.OFFICER).first()
    if officer is None:
        code = office.code if office else "pusat"
        officer = User.objects.create_user(
            f"petugas.{code}@demo.imigrasi.example",
            DEMO_PASSWORD,
            full_name="Petugas Demo",
            role=Role.OFFICER,
            office=office,
        )
        EmailAddress.objects.create(user=officer, email=officer.email, verified=True, primary=True)
    return officer


def _default_answer(application: Application, key: str, case: DemoCase) -> Any:
    defaults: dict[str, Any] = {
        "full_name": case.name,
        "date_of_birth": case.birth,
        "sex": case.sex,
        "nik": case.nik,
        "is_married": "no",
        "place_of_birth": "Jakarta",
        "phone": "0812"
        + str(
            random.randint(10_000_000, 99_999_999)  # noqa: S311 - demo data
        ),
        "address": "Jl. Melati No. 12, RT 003/RW 005, Kebayoran Baru, Jakarta Selatan",
        "citizenship_by": "birth",
        "name_changed": "no",
        "has_old_passport": "no",
        "old_passport_number": "B" + str(random.randint(1_000_000, 9_999_999)),  # noqa: S311
        "old_passport_issue_year": "2016",
        "force_majeure": "no",
        "police_report_number": "STPL/123/XI/2026/Polres Jaksel",
        "parents_divorced": "no",
        "both_parents_attend": "yes",
        "travel_purpose": "tourism",
        "voa_purpose": "tourism",
        "arrival_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "current_permit_number": "2C21JE1234-W",
        "married_abroad": "no",
        "acceleration": "no",
        "office": case.office,
    }
    defaults.update(case.extra)
    if key == "variant":
        variants = list(application.service.variants.all())
        return variants[-1].code if variants else ""
    return defaults.get(key, "Jakarta")


def build_application(case: DemoCase) -> Application:
    """Create, answer, document and drive an application to ``case.target`` (tests use it too)."""
    account = _account(case.account, case.name.title())
    service = Service.objects.get(code=case.service)
    application = actions.do_start_application(account, service, relationship=case.relationship)
    for _step in range(40):
        question = next_question(context_for(application))
        if question is None:
            break
        application = actions.do_answer_question(
            application, question.key, _default_answer(application, question.key, case), account
        )
    if case.target == "draft":
        return application
    for requirement in required_documents(context_for(application)):
        actions.do_upload_document(
            application, requirement.code, specimen_scan(requirement.name_id), account
        )
    application = actions.do_submit_application(application, account, declaration=True)
    if case.target in {"awaiting_payment", "payment_expired", "withdrawn"}:
        _stand_in_billing(application, expired=case.target == "payment_expired")
        application.refresh_from_db()
        if case.target == "withdrawn":
            actions.do_withdraw(application, account)
        return application
    billing = _stand_in_billing(application, expired=False)
    actions.do_record_payment(
        PaymentNotice(
            billing_code=billing.code or "",
            amount=billing.amount,
            paid_at=timezone.now() - dt.timedelta(days=random.randint(1, 6)),  # noqa: S311
            channel=random.choice(["BNI Mobile", "ATM Mandiri", "Indomaret", "Kantor Pos"]),  # noqa: S311
            transaction_id=f"demo-{uuid.uuid4().hex[:12]}",
            reference=billing.reference,
        )
    )
    application.refresh_from_db()
    officer = _officer_for(application.office)
    paths = PASSPORT_PATHS if application.workflow == "passport" else VISA_PATHS
    for action in paths[case.target]:
        application.refresh_from_db()
        actions.do_officer_action(
            application,
            officer,
            action,
            expected_version=application.version,
            message=MESSAGES.get(action, ""),
            rejection_reason="documents_not_authentic" if action == "reject" else "",
            requirement_codes=[r.code for r in required_documents(context_for(application))][:1],
        )
    application.refresh_from_db()
    if case.target == "cancelled":
        from imigrasi.applications.grants import do_cancel_grant

        do_cancel_grant(
            application,
            _supervisor_for(application.office),
            reason="sponsor_withdrew",
            expected_version=application.version,
        )
        application.refresh_from_db()
    return application


def _supervisor_for(office: Office | None) -> User:
    supervisor = User.objects.filter(office=office, role=Role.SUPERVISOR).first()
    if supervisor is None:
        code = office.code if office else "pusat"
        supervisor = User.objects.create_user(
            f"supervisor.{code}@demo.imigrasi.example",
            DEMO_PASSWORD,
            full_name="Supervisor Demo",
            role=Role.SUPERVISOR,
            office=office,
        )
    return supervisor


def _stand_in_billing(application: Application, *, expired: bool) -> BillingCode:
    """What the billing system would answer: a 15-digit code (the simulator is not running)."""
    billing = application.billing_codes.get(status=BillingStatus.PENDING)
    billing.code = "82" + "".join(str(secrets.randbelow(10)) for _ in range(13))
    billing.status = BillingStatus.ACTIVE
    billing.issued_at = timezone.now()
    billing.expires_at = timezone.now() + (
        dt.timedelta(minutes=-5) if expired else dt.timedelta(hours=2)
    )
    billing.save()
    if expired:
        actions.do_expire_billing(billing)
    return billing


def load() -> list[str]:
    if Application.objects.filter(account__email=CASES[0].account).exists():
        return [f"{Application.objects.count()} applications already present"]
    random.seed(2026)
    with transaction.atomic():
        built = [build_application(case) for case in CASES]
    # The demo's history would otherwise mail ~60 status notifications to made-up addresses
    # when the worker starts; the history itself stays.
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(task_path__endswith=".notify_status_change").delete()
    statuses = sorted({a.status for a in built})
    return [
        f"{len(built)} demo applications ({len(statuses)} statuses, "
        f"{len({a.service_id for a in built})} services) across "
        f"{len({a.office_id for a in built})} offices; {Person.objects.count()} people"
    ]
