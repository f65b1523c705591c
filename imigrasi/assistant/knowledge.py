"""What the assistant knows, built from our own data.

Services (fees, requirements, completion times, procedure), offices (address, hours) and the
curated answers (``KnowledgeEntry``) become ``Doc``s. Catalog facts are read when the index is
built and when an answer is written — never copied into the curated text — so a fee changed in
the admin changes the next answer (``signals.py`` marks the index stale).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from imigrasi.catalog.conditions import CONDITION_CHOICES
from imigrasi.catalog.models import FeeLine, Office, Service
from imigrasi.catalog.queries import effective_fee_lines, jakarta_today

Lang = str  # "id" | "en"


@dataclass
class Doc:
    key: str
    kind: str  # faq | fee | requirements | time | about | offices
    topic: str
    title: dict[Lang, str]
    questions: dict[Lang, list[str]]
    body: dict[Lang, str]
    url: str
    render: Callable[[Lang], str]
    keywords: list[str] = field(default_factory=list)

    def answer(self, language: Lang) -> str:
        return self.render(language)


def rupiah(amount: int, language: Lang) -> str:
    text = f"{amount:,}"
    return "Rp" + (text.replace(",", ".") if language == "id" else text)


def _date(day: dt.date, language: Lang) -> str:
    months_id = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ]
    if language == "id":
        return f"{day.day} {months_id[day.month - 1]} {day.year}"
    return day.strftime("%-d %B %Y")


_CONDITIONS = dict(CONDITION_CHOICES)


# --- catalog facts, used both by service docs and by placeholders in curated answers --------


def services_by_code() -> dict[str, Service]:
    services = Service.objects.filter(is_active=True).prefetch_related(
        "variants",
        "requirements",
        Prefetch("fee_lines", queryset=FeeLine.objects.select_related("variant")),
    )
    return {s.code: s for s in services}


def fee_text(service: Service, language: Lang, variant: str = "") -> str:
    lines = effective_fee_lines(service)
    if variant:
        lines = [
            line for line in lines if line.variant is not None and line.variant.code == variant
        ]
        if lines:
            return " + ".join(rupiah(line.amount, language) for line in lines)
    if not lines:
        return "-"
    parts = []
    for line in lines:
        label = line.label_id if language == "id" else line.label_en
        if line.variant is not None:
            variant_label = line.variant.label_id if language == "id" else line.variant.label_en
            if variant_label.lower() not in label.lower():
                label = f"{variant_label}: {label}"
        parts.append(f"{label} {rupiah(line.amount, language)}")
    return "; ".join(parts)


def time_text(service: Service, language: Lang) -> str:
    if service.completion_unit == "same_day":
        text = "hari yang sama" if language == "id" else "the same day"
    elif service.completion_value:
        unit = {
            "working_days": ("hari kerja", "working days"),
            "calendar_days": ("hari", "days"),
        }.get(service.completion_unit, ("hari", "days"))
        text = f"{service.completion_value} {unit[0] if language == 'id' else unit[1]}"
    else:
        text = "-"
    note = service.completion_note_id if language == "id" else service.completion_note_en
    return f"{text} ({note})" if note else text


_PLACEHOLDER = re.compile(r"\{(fee|time):([a-z0-9-]+)(?::([a-z0-9-]+))?\}")


def fill_placeholders(text: str, language: Lang, services: dict[str, Service]) -> str:
    def replace(match: re.Match[str]) -> str:
        kind, code, variant = match.group(1), match.group(2), match.group(3) or ""
        service = services.get(code)
        if service is None:
            return "-"
        return (
            fee_text(service, language, variant) if kind == "fee" else time_text(service, language)
        )

    return _PLACEHOLDER.sub(replace, text)


# --- documents ---------------------------------------------------------------------------


FEE_WORDS = {
    "id": ["biaya", "tarif", "harga", "bayar", "berapa", "PNBP", "ongkos", "mahal", "murah"],
    "en": ["fee", "cost", "price", "pay", "how much", "charge", "expensive"],
}
REQUIREMENT_WORDS = {
    "id": ["syarat", "persyaratan", "dokumen", "berkas", "bawa", "perlu", "apa saja"],
    "en": ["requirements", "documents", "what do I need", "bring", "papers"],
}
TIME_WORDS = {
    "id": ["berapa lama", "selesai", "jadi", "waktu", "proses", "hari kerja", "kapan jadi"],
    "en": ["how long", "processing time", "ready", "days", "when will it be ready"],
}
ABOUT_WORDS = {
    "id": ["apa itu", "cara", "prosedur", "langkah", "siapa yang bisa", "bagaimana"],
    "en": ["what is", "how to apply", "procedure", "steps", "who can apply", "how do I"],
}


def _service_docs(service: Service, services: dict[str, Service]) -> list[Doc]:
    code = service.code
    url = f"/layanan/{code}/"
    names = {"id": service.name_id, "en": service.name_en}
    variants = {
        "id": " ".join(v.label_id for v in service.variants.all()),
        "en": " ".join(v.label_en for v in service.variants.all()),
    }
    fee_lines = effective_fee_lines(service)  # the fee rules' one reading for this index build

    def fee(language: Lang) -> str:
        legal = ", ".join(sorted({line.legal_basis for line in fee_lines if line.legal_basis}))
        day = _date(jakarta_today(), language)
        if language == "id":
            return f"Biaya {service.name_id} (per {day}; {legal}): {fee_text(service, 'id')}."
        return f"Fees for {service.name_en} (as of {day}; {legal}): {fee_text(service, 'en')}."

    def requirements(language: Lang) -> str:
        items = []
        for requirement in service.requirements.all():
            name = requirement.name_id if language == "id" else requirement.name_en
            if requirement.condition and requirement.condition != "always":
                label = str(_CONDITIONS.get(requirement.condition, "")).lower()
                name = f"{name} ({label})" if label else name
            items.append(name)
        joined = "; ".join(items)
        if language == "id":
            return f"Syarat {service.name_id}: {joined}. Bawa dokumen asli saat ke kantor."
        return f"Requirements for {service.name_en}: {joined}. Bring the originals to the office."

    def time(language: Lang) -> str:
        if language == "id":
            return f"Lama penyelesaian {service.name_id}: {time_text(service, 'id')}."
        return f"Completion time for {service.name_en}: {time_text(service, 'en')}."

    def about(language: Lang) -> str:
        summary = service.summary_id if language == "id" else service.summary_en
        who = service.who_can_apply_id if language == "id" else service.who_can_apply_en
        steps = (service.procedure_id if language == "id" else service.procedure_en).splitlines()
        steps_text = " ".join(f"{n}. {s.strip()}" for n, s in enumerate(steps, 1) if s.strip())
        label = ("Siapa", "Langkah") if language == "id" else ("Who", "Steps")
        parts = [summary]
        if who:
            parts.append(f"{label[0]}: {who}")
        if steps_text:
            parts.append(f"{label[1]}: {steps_text}")
        return " ".join(parts)

    requirement_names = {
        "id": " ".join(r.name_id for r in service.requirements.all()),
        "en": " ".join(r.name_en for r in service.requirements.all()),
    }
    fee_labels = {
        "id": " ".join(line.label_id for line in fee_lines),
        "en": " ".join(line.label_en for line in fee_lines),
    }
    docs = []
    for kind, words, render, extra in (
        (
            "fee",
            FEE_WORDS,
            fee,
            {
                "id": variants["id"] + " " + fee_labels["id"],
                "en": variants["en"] + " " + fee_labels["en"],
            },
        ),
        ("requirements", REQUIREMENT_WORDS, requirements, requirement_names),
        ("time", TIME_WORDS, time, {"id": "", "en": ""}),
        ("about", ABOUT_WORDS, about, {"id": service.summary_id, "en": service.summary_en}),
    ):
        docs.append(
            Doc(
                key=f"{code}:{kind}",
                kind=kind,
                topic=service.family,
                title={
                    "id": f"{names['id']}",
                    "en": f"{names['en']}",
                },
                questions={
                    lang: [f"{w} {names[lang]}" for w in words[lang]] for lang in ("id", "en")
                },
                body={lang: f"{names[lang]} {extra[lang]}" for lang in ("id", "en")},
                url=url,
                render=render,
            )
        )
    return docs


def _hours_text(office: Office, language: Lang) -> str:
    from imigrasi.appointments.models import OfficeHours

    rows = list(OfficeHours.objects.filter(office=office).order_by("weekday"))
    if not rows:
        return "Senin–Jumat 08.00–16.00" if language == "id" else "Monday–Friday 08:00–16:00"
    first, friday = rows[0], next((r for r in rows if r.weekday == 4), rows[-1])
    zone = office.zone_abbreviation
    fmt = "%H.%M" if language == "id" else "%H:%M"
    days = "Senin–Kamis" if language == "id" else "Monday–Thursday"
    friday_name = "Jumat" if language == "id" else "Friday"
    rest = "istirahat" if language == "id" else "break"
    return (
        f"{days} {first.opens.strftime(fmt)}–{first.closes.strftime(fmt)} {zone}".strip()
        + (
            f" ({rest} {first.break_starts.strftime(fmt)}–{first.break_ends.strftime(fmt)})"
            if first.break_starts and first.break_ends
            else ""
        )
        + f", {friday_name} {friday.opens.strftime(fmt)}–{friday.closes.strftime(fmt)}"
        + (
            f" ({rest} {friday.break_starts.strftime(fmt)}–{friday.break_ends.strftime(fmt)})"
            if friday.break_starts and friday.break_ends
            else ""
        )
    )


def _office_docs() -> list[Doc]:
    by_city: dict[str, list[Office]] = {}
    for office in Office.objects.filter(is_active=True).order_by("city", "name"):
        by_city.setdefault(office.city, []).append(office)
    docs = []
    for city, offices in by_city.items():

        def render(language: Lang, offices: list[Office] = offices, city: str = city) -> str:
            lines = []
            for office in offices:
                phone = f", {office.phone}" if office.phone else ""
                lines.append(
                    f"{office.name}: {office.address}, {office.city}{phone}. "
                    + ("Jam layanan: " if language == "id" else "Service hours: ")
                    + _hours_text(office, language)
                    + "."
                )
            head = (
                f"Kantor imigrasi di {city}: "
                if language == "id"
                else f"Immigration offices in {city}: "
            )
            return head + " ".join(lines)

        names = " ".join(o.name for o in offices)
        provinces = " ".join(sorted({o.province for o in offices}))
        docs.append(
            Doc(
                key=f"offices:{city.lower()}",
                kind="offices",
                topic="offices",
                title={"id": f"Kantor imigrasi di {city}", "en": f"Immigration offices in {city}"},
                questions={
                    "id": [
                        f"di mana kantor imigrasi di {city}",
                        f"alamat kantor imigrasi {city}",
                        f"buat paspor di {city}",
                    ],
                    "en": [
                        f"where is the immigration office in {city}",
                        f"apply for a passport in {city}",
                    ],
                },
                body={"id": f"{city} {provinces} {names}", "en": f"{city} {provinces} {names}"},
                url="/kunjungan/",
                render=render,
                keywords=[city.lower()],
            )
        )
    return docs


def _faq_docs(services: dict[str, Service]) -> list[Doc]:
    from imigrasi.assistant.models import KnowledgeEntry

    docs = []
    for entry in KnowledgeEntry.objects.filter(is_active=True):

        def render(language: Lang, entry: KnowledgeEntry = entry) -> str:
            text = entry.answer_id if language == "id" else entry.answer_en
            # The index is rebuilt whenever the catalog changes (signals.py): its services are
            # current, and reading them again per answer would cost a dozen queries.
            return fill_placeholders(text, language, services)

        docs.append(
            Doc(
                key=f"faq:{entry.slug}",
                kind="faq",
                topic=entry.topic,
                title={
                    "id": entry.questions_id.splitlines()[0] if entry.questions_id else entry.slug,
                    "en": entry.questions_en.splitlines()[0] if entry.questions_en else entry.slug,
                },
                questions={
                    "id": [q for q in entry.questions_id.splitlines() if q.strip()],
                    "en": [q for q in entry.questions_en.splitlines() if q.strip()],
                },
                body={
                    "id": fill_placeholders(entry.answer_id, "id", services),
                    "en": fill_placeholders(entry.answer_en, "en", services),
                },
                url=entry.source,
                render=render,
                keywords=[k.strip() for k in entry.keywords.split(",") if k.strip()],
            )
        )
    return docs


def build_documents() -> list[Doc]:
    services = services_by_code()
    docs: list[Doc] = []
    for service in services.values():
        docs.extend(_service_docs(service, services))
    docs.extend(_office_docs())
    docs.extend(_faq_docs(services))
    return docs
