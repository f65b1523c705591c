"""The application questions, one per page on the web and one per call in the API.

Each question knows when it applies (by service and earlier answers), how to validate its value
(with translated messages naming the field), and where the value goes (the person's identity
record or the application's encrypted answers). The web wizard and the mobile API both go
through ``validate_answer`` and ``actions.do_answer_question``: the rules exist once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from imigrasi.applications.models import Application, Person, Sex
from imigrasi.catalog.models import Office, ServiceVariant
from imigrasi.lib.identifier_messages import NIK_ERRORS
from imigrasi.lib.identifiers import InvalidNIK, normalise_nik, parse_nik
from imigrasi.lib.mrz import InvalidMRZ, parse_td3
from imigrasi.lib.names import InvalidName, icao_name
from imigrasi.lib.validation import is_valid_phone, normalise_phone

NAME_ERRORS = {
    "empty": _("Enter the full name."),
    "digits": _("Names cannot contain numbers."),
    "title": _("Leave out titles such as Dr, Ir, H or S.Kom."),
    "punctuation": _("Leave out punctuation such as dots and apostrophes."),
    "too_long": _("Enter at most 100 characters."),
}
MRZ_ERRORS = {
    "length": _("Enter both lines of the machine-readable zone, 44 characters each."),
    "characters": _("The machine-readable zone only has capital letters, digits and the < sign."),
    "not_passport": _(
        "This is not the machine-readable zone of a passport (it must start with P)."
    ),
    "check_digit": _("A check digit does not match: compare every character with the passport."),
    "date": _("A date in the machine-readable zone is not a real date."),
    "name": _("The name in the machine-readable zone is missing."),
    "sex": _("The sex in the machine-readable zone is not valid."),
}


@dataclass
class Context:
    application: Application
    person: Person
    answers: dict[str, Any]
    today: dt.date

    @property
    def service_code(self) -> str:
        return self.application.service.code

    @property
    def is_citizen(self) -> bool:
        return self.application.service.citizenship == "citizen"

    @property
    def age(self) -> int | None:
        return age_on(self.person.date_of_birth, self.today)


def age_on(date_of_birth: str | None, today: dt.date) -> int | None:
    if not date_of_birth:
        return None
    born = dt.date.fromisoformat(date_of_birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def parse_date(raw: str) -> dt.date:
    """Accept YYYY-MM-DD (date inputs) and DD-MM-YYYY or DD/MM/YYYY (typed by people)."""
    text = (raw or "").strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValidationError(_("Enter a real date, for example 17-08-1990."), code="date")


def _yes_no() -> forms.Field:
    return forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Select yes or no.")},
    )


@dataclass(frozen=True)
class Question:
    key: str
    label: Promise
    hint: Promise | str = ""
    kind: str = "text"  # text, date, choice, yes_no, textarea, mrz
    applies: Callable[[Context], bool] = lambda ctx: True
    choices: Callable[[Context], list[tuple[str, str]]] | None = None
    validate: Callable[[Any, Context], Any] | None = None
    store: str = "answers"  # "answers" or "person:<field>" or "custom"
    widget_attrs: dict[str, str] = field(default_factory=dict)
    required_message: Promise | None = None

    def form_field(self, ctx: Context) -> forms.Field:
        required: dict[str, Any] = {"required": self.required_message or _("Answer this question.")}
        attrs = dict(self.widget_attrs)
        if self.kind == "yes_no":
            fld = _yes_no()
        elif self.kind == "choice":
            fld = forms.ChoiceField(
                choices=self.choices(ctx) if self.choices else [],
                widget=forms.RadioSelect,
                error_messages={"required": str(self.required_message or _("Select an option."))},
            )
        elif self.kind == "date":
            fld = forms.CharField(
                widget=forms.DateInput(attrs={"type": "date", **attrs}), error_messages=required
            )
        elif self.kind in {"textarea", "mrz"}:
            rows = "2" if self.kind == "mrz" else "4"
            fld = forms.CharField(
                widget=forms.Textarea(attrs={"rows": rows, "spellcheck": "false", **attrs}),
                max_length=2000,
                error_messages=required,
            )
        else:
            fld = forms.CharField(
                max_length=200, widget=forms.TextInput(attrs=attrs), error_messages=required
            )
        fld.label = str(self.label)
        fld.help_text = str(self.hint)
        return fld


# --- validators -------------------------------------------------------------------------------


def v_name(value: str, ctx: Context) -> str:
    try:
        return icao_name(value)
    except InvalidName as exc:
        message = NAME_ERRORS[exc.code]
        if exc.suggestion:
            raise ValidationError(
                _("%(problem)s Write it as it will be printed: %(suggestion)s")
                % {"problem": message, "suggestion": exc.suggestion},
                code=f"name_{exc.code}",
            ) from exc
        raise ValidationError(message, code=f"name_{exc.code}") from exc


def v_birth_date(value: str, ctx: Context) -> str:
    born = parse_date(value)
    if born > ctx.today:
        raise ValidationError(_("The date of birth must be in the past."), code="future")
    if born.year < ctx.today.year - 120:
        raise ValidationError(_("Check the year of birth."), code="too_old")
    service = ctx.application.service
    age = age_on(born.isoformat(), ctx.today) or 0
    if service.max_age is not None and age > service.max_age:
        raise ValidationError(
            _("This service is for children under 17. Apply for an adult passport instead."),
            code="too_old_for_service",
        )
    return born.isoformat()


def v_married(value: bool, ctx: Context) -> bool:
    """An unmarried child cannot use an adult-only service (min_age 17)."""
    minimum = ctx.application.service.min_age
    if not value and minimum is not None and (ctx.age or 0) < minimum:
        raise ValidationError(
            _(
                "Unmarried children under 17 need a child passport. Start a child passport "
                "application instead."
            ),
            code="needs_child_passport",
        )
    return bool(value)


def v_nik(value: str, ctx: Context) -> str:
    try:
        parts = parse_nik(value, today=ctx.today)
    except InvalidNIK as exc:
        raise ValidationError(NIK_ERRORS[exc.code], code=f"nik_{exc.code}") from exc
    if ctx.person.date_of_birth and parts.birth_date.isoformat() != ctx.person.date_of_birth:
        raise ValidationError(
            _(
                "This NIK belongs to someone born on another date than the one you entered. "
                "Check the NIK and the date of birth."
            ),
            code="nik_birth_date_mismatch",
        )
    expected_sex = Sex.FEMALE if parts.is_female else Sex.MALE
    if ctx.person.sex and ctx.person.sex != expected_sex:
        raise ValidationError(
            _(
                "The NIK says a different sex than the one you entered (women's NIKs add 40 to "
                "the day of birth). Check both."
            ),
            code="nik_sex_mismatch",
        )
    return normalise_nik(value)


def v_phone(value: str, ctx: Context) -> str:
    if not is_valid_phone(value):
        raise ValidationError(
            _("Enter a phone number of 8 to 15 digits, for example 081234567890."), code="phone"
        )
    return normalise_phone(value)


def v_mrz(value: str, ctx: Context) -> dict[str, Any]:
    try:
        mrz = parse_td3(value, today=ctx.today)
    except InvalidMRZ as exc:
        raise ValidationError(MRZ_ERRORS[exc.code], code=f"mrz_{exc.code}") from exc
    if mrz.nationality == "IDN":
        raise ValidationError(
            _("This is an Indonesian passport. Indonesian citizens do not need a visa."),
            code="mrz_citizen",
        )
    if mrz.expiry_date < ctx.today + dt.timedelta(days=183):
        raise ValidationError(
            _("The passport must be valid for at least 6 more months. Renew it first."),
            code="mrz_expiring",
        )
    return {
        "document_number": mrz.document_number,
        "nationality": mrz.nationality,
        "full_name": mrz.full_name,
        "birth_date": mrz.birth_date.isoformat(),
        "sex": mrz.sex if mrz.sex in {"F", "M"} else "",
        "expiry_date": mrz.expiry_date.isoformat(),
        "issuing_state": mrz.issuing_state,
    }


def v_future_date(value: str, ctx: Context) -> str:
    day = parse_date(value)
    if day < ctx.today:
        raise ValidationError(_("The date must be today or later."), code="past")
    if day > ctx.today + dt.timedelta(days=365):
        raise ValidationError(_("The date must be within the next 12 months."), code="far")
    return day.isoformat()


def v_year(value: str, ctx: Context) -> int:
    text = (value or "").strip()
    if not text.isdigit() or not 1950 <= int(text) <= ctx.today.year:
        raise ValidationError(_("Enter the year as 4 digits, for example 2015."), code="year")
    return int(text)


def v_passport_number(value: str, ctx: Context) -> str:
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum())
    if not 5 <= len(cleaned) <= 9:
        raise ValidationError(
            _("A passport number has 5 to 9 letters and digits, for example C1234567."),
            code="passport_number",
        )
    return cleaned


def v_text(value: str, ctx: Context) -> str:
    text = " ".join(value.split())
    if len(text) < 2:
        raise ValidationError(_("Answer this question."), code="required")
    return text


def v_variant(value: str, ctx: Context) -> str:
    if value not in {v.code for v in allowed_variants(ctx)}:
        raise ValidationError(_("Select an option."), code="variant")
    return value


def v_office(value: str, ctx: Context) -> str:
    if not Office.objects.filter(code=value, is_active=True).exists():
        raise ValidationError(_("Select an office."), code="office")
    return value


def v_new_passport_guard(value: bool, ctx: Context) -> bool:
    """Routing guard: owning a passport means replacement, not a new one (fee forfeited)."""
    if value and ctx.service_code == "paspor-baru-dewasa":
        raise ValidationError(
            _(
                "If you have ever had a passport, you need a replacement, not a new passport. "
                "Paying for the wrong service forfeits the fee: start a replacement application "
                "instead."
            ),
            code="needs_replacement",
        )
    return bool(value)


# --- choices ----------------------------------------------------------------------------------


def allowed_variants(ctx: Context) -> list[ServiceVariant]:
    """Children (under 17, unmarried) get at most 5 years (Permenkumham 18/2022)."""
    variants = list(ctx.application.service.variants.all())
    if facts_for(ctx)["age_group"] == "child":
        variants = [v for v in variants if v.validity_years is None or v.validity_years <= 5]
    return variants


def variant_choices(ctx: Context) -> list[tuple[str, str]]:
    from imigrasi.catalog.queries import quote

    choices = []
    for variant in allowed_variants(ctx):
        total = quote(ctx.application.service, variant, facts_for(ctx)).total
        choices.append((variant.code, f"{variant.label} — Rp{total:,}".replace(",", ".")))
    return choices


def office_choices(ctx: Context) -> list[tuple[str, str]]:
    return [
        (office.code, f"{office.name} ({office.city}, {office.zone_abbreviation})")
        for office in Office.objects.filter(is_active=True).order_by("province", "city", "name")
    ]


PURPOSES = [
    ("tourism", _("Holiday or visiting family")),
    ("umrah_hajj", _("Umrah or hajj")),
    ("study", _("Study")),
    ("work", _("Work")),
    ("business", _("Business")),
    ("medical", _("Medical treatment")),
    ("other", _("Something else")),
]
VOA_PURPOSES = [
    ("tourism", _("Tourism")),
    ("government", _("Government duty")),
    ("business_talks", _("Business talks")),
    ("purchasing", _("Purchasing goods")),
    ("meeting", _("Meetings")),
    ("transit", _("Transit")),
    ("other", _("Something else (work, training, study…)")),
]
CITIZENSHIP_BY = [
    ("birth", _("By birth")),
    ("naturalisation", _("By naturalisation")),
    ("election", _("By choosing Indonesian citizenship (former dual citizen)")),
]


def v_voa_purpose(value: str, ctx: Context) -> str:
    if value == "other":
        raise ValidationError(
            _(
                "A visa on arrival only allows tourism, government duty, business talks, buying "
                "goods, meetings and transit. For anything else apply for a C or D visa."
            ),
            code="voa_purpose",
        )
    return value


# --- facts ------------------------------------------------------------------------------------


def facts_for(ctx: Context) -> dict[str, Any]:
    """The facts catalog conditions are evaluated against (imigrasi.catalog.conditions)."""
    answers = ctx.answers
    age = ctx.age
    if ctx.application.service.max_age is not None or (
        age is not None and age < 17 and not answers.get("is_married")
    ):
        age_group = "child"
    else:
        age_group = "adult"
    issue_year = answers.get("old_passport_issue_year")
    return {
        "age_group": age_group,
        "name_changed": answers.get("name_changed"),
        "citizenship_by": answers.get("citizenship_by"),
        "has_old_passport": answers.get("has_old_passport")
        or ctx.service_code in {"paspor-penggantian", "paspor-hilang", "paspor-rusak"},
        "old_passport_before_2009": isinstance(issue_year, int) and issue_year < 2009,
        "parents_divorced": answers.get("parents_divorced"),
        "both_parents_attend": answers.get("both_parents_attend"),
        "force_majeure": answers.get("force_majeure"),
        "married_abroad": answers.get("married_abroad"),
    }


# --- the questions ----------------------------------------------------------------------------

PASSPORT_SERVICES = {
    "paspor-baru-dewasa",
    "paspor-anak",
    "paspor-penggantian",
    "paspor-hilang",
    "paspor-rusak",
}
REPLACEMENTS = {"paspor-penggantian", "paspor-hilang", "paspor-rusak"}


def _service_in(*codes: str) -> Callable[[Context], bool]:
    return lambda ctx: ctx.service_code in codes


def _citizen(ctx: Context) -> bool:
    return ctx.is_citizen


def _foreigner(ctx: Context) -> bool:
    return not ctx.is_citizen


QUESTIONS: list[Question] = [
    Question(
        "full_name",
        _("What is the applicant's full name?"),
        _("As on the e-KTP, in capitals or not; without titles or punctuation."),
        applies=_citizen,
        validate=v_name,
        store="person:full_name",
        widget_attrs={"autocomplete": "name", "spellcheck": "false"},
    ),
    Question(
        "date_of_birth",
        _("What is the applicant's date of birth?"),
        _("For example 17-08-1990."),
        kind="date",
        applies=_citizen,
        validate=v_birth_date,
        store="person:date_of_birth",
        widget_attrs={"autocomplete": "bday"},
    ),
    Question(
        "sex",
        _("What is the applicant's sex?"),
        kind="choice",
        applies=_citizen,
        choices=lambda ctx: [
            (Sex.FEMALE.value, str(_("Female"))),
            (Sex.MALE.value, str(_("Male"))),
        ],
        store="person:sex",
    ),
    Question(
        "is_married",
        _("Is the applicant married?"),
        _("Married people under 17 get an adult passport."),
        kind="yes_no",
        applies=lambda ctx: (
            ctx.is_citizen
            and ctx.application.service.max_age is None
            and ctx.application.service.family == "passport"
            and (ctx.age or 99) < 17
        ),
        validate=lambda value, ctx: v_married(value, ctx),
    ),
    Question(
        "nik",
        _("What is the applicant's NIK?"),
        _("The 16-digit number on the e-KTP or family card (KK)."),
        applies=_citizen,
        validate=v_nik,
        store="person:nik",
        widget_attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"},
    ),
    Question(
        "mrz",
        _("Copy the two lines at the bottom of the passport's photo page"),
        _(
            "The machine-readable zone: two lines of 44 characters with < signs. We check it and "
            "fill in the passport details for you."
        ),
        kind="mrz",
        applies=_foreigner,
        validate=v_mrz,
        store="custom",
        widget_attrs={"autocomplete": "off", "autocapitalize": "characters"},
    ),
    Question(
        "place_of_birth",
        _("Where was the applicant born?"),
        _("City or regency."),
        applies=_citizen,
        validate=v_text,
    ),
    Question(
        "phone",
        _("What phone number can we use for updates?"),
        _("For example 081234567890. We send status updates by text message."),
        validate=v_phone,
        widget_attrs={"autocomplete": "tel", "inputmode": "tel"},
    ),
    Question(
        "address",
        _("What is the applicant's address?"),
        _("Where they live now. Foreigners: the address in Indonesia."),
        kind="textarea",
        applies=lambda ctx: (
            ctx.is_citizen
            or ctx.application.service.family == "stay_permit"
            or ctx.service_code in {"visa-e31a", "visa-e33g", "visa-e28c", "visa-e33-lansia"}
        ),
        validate=v_text,
        widget_attrs={"autocomplete": "street-address"},
    ),
    Question(
        "citizenship_by",
        _("How did the applicant become an Indonesian citizen?"),
        kind="choice",
        applies=_citizen,
        choices=lambda ctx: [(k, str(v)) for k, v in CITIZENSHIP_BY],
    ),
    Question(
        "name_changed",
        _("Has the applicant's name ever changed?"),
        _("For example by a court decision. You will upload the decision."),
        kind="yes_no",
        applies=_citizen,
    ),
    Question(
        "has_old_passport",
        _("Has the applicant ever had an Indonesian passport?"),
        kind="yes_no",
        applies=_service_in("paspor-baru-dewasa", "paspor-anak"),
        validate=v_new_passport_guard,
    ),
    Question(
        "old_passport_number",
        _("What is the old passport's number?"),
        _("For example C1234567. Look at the photo page or a copy."),
        applies=lambda ctx: (
            ctx.service_code in REPLACEMENTS or bool(ctx.answers.get("has_old_passport"))
        ),
        validate=v_passport_number,
        widget_attrs={"autocomplete": "off"},
    ),
    Question(
        "old_passport_issue_year",
        _("In which year was the old passport issued?"),
        _("Passports issued before 2009 or abroad need the full set of documents."),
        applies=_service_in("paspor-penggantian"),
        validate=v_year,
        widget_attrs={"inputmode": "numeric"},
    ),
    Question(
        "force_majeure",
        _("Was the passport lost or damaged in a disaster?"),
        _(
            "For example a flood, fire or shipwreck. Then the surcharge is waived; you upload a "
            "letter from the village or kelurahan."
        ),
        kind="yes_no",
        applies=_service_in("paspor-hilang", "paspor-rusak"),
    ),
    Question(
        "police_report_number",
        _("What is the number of the police loss report?"),
        _("On the 'surat keterangan hilang' from the police."),
        applies=_service_in("paspor-hilang"),
        validate=v_text,
    ),
    Question(
        "parents_divorced",
        _("Are the child's parents divorced?"),
        _("Then you upload the divorce certificate and the custody decision."),
        kind="yes_no",
        applies=_service_in("paspor-anak"),
    ),
    Question(
        "both_parents_attend",
        _("Can both parents come to the interview?"),
        _("If one cannot, they sign a stamped power of attorney."),
        kind="yes_no",
        applies=_service_in("paspor-anak"),
    ),
    Question(
        "travel_purpose",
        _("Why does the applicant need a passport?"),
        kind="choice",
        applies=lambda ctx: ctx.service_code in PASSPORT_SERVICES,
        choices=lambda ctx: [(k, str(v)) for k, v in PURPOSES],
    ),
    Question(
        "voa_purpose",
        _("What is the purpose of the visit?"),
        kind="choice",
        applies=_service_in("evoa"),
        choices=lambda ctx: [(k, str(v)) for k, v in VOA_PURPOSES],
        validate=v_voa_purpose,
    ),
    Question(
        "arrival_date",
        _("When will the applicant arrive in Indonesia?"),
        _("The planned date. An e-VoA must be used within 90 days."),
        kind="date",
        applies=lambda ctx: (
            ctx.application.service.family == "visa" and ctx.service_code != "evoa-perpanjangan"
        ),
        validate=v_future_date,
    ),
    Question(
        "current_permit_number",
        _("What is the number of the current visa or stay permit?"),
        _("As printed on the e-VoA, e-Visa or ITAS."),
        applies=lambda ctx: (
            ctx.application.service.family == "stay_permit"
            or ctx.service_code == "evoa-perpanjangan"
        ),
        validate=v_text,
    ),
    Question(
        "sponsor_name",
        _("What is the Indonesian spouse's full name?"),
        _("The spouse sponsors this application."),
        applies=_service_in("visa-e31a"),
        validate=v_name,
    ),
    Question(
        "sponsor_nik",
        _("What is the Indonesian spouse's NIK?"),
        _("16 digits. We verify it with the population registry."),
        applies=_service_in("visa-e31a"),
        validate=lambda v, ctx: _sponsor_nik(v, ctx),
        widget_attrs={"inputmode": "numeric", "autocomplete": "off"},
    ),
    Question(
        "married_abroad",
        _("Was the marriage registered outside Indonesia?"),
        _("Then you upload a sworn translation and the registration report."),
        kind="yes_no",
        applies=_service_in("visa-e31a"),
    ),
    Question(
        "variant",
        _("Which option do you want?"),
        _("The price is the official fee (PNBP) for the whole application."),
        kind="choice",
        applies=lambda ctx: ctx.application.service.variants.exists(),
        choices=variant_choices,
        validate=v_variant,
        store="custom",
    ),
    Question(
        "acceleration",
        _("Do you want same-day service (acceleration)?"),
        _(
            "An extra official fee of Rp1.000.000. The passport is ready the same day if you "
            "come before 10:00 and pay before 12:00."
        ),
        kind="yes_no",
        applies=lambda ctx: ctx.application.service.addons.exists(),
        store="custom",
    ),
    Question(
        "office",
        _("Which office will process the application?"),
        _(
            "You visit this office for photo, fingerprints and interview. Any office in Indonesia "
            "can serve you."
        ),
        kind="choice",
        applies=lambda ctx: ctx.application.service.requires_visit,
        choices=office_choices,
        validate=v_office,
        store="custom",
    ),
]

QUESTIONS_BY_KEY = {q.key: q for q in QUESTIONS}


def _sponsor_nik(value: str, ctx: Context) -> str:
    try:
        parse_nik(value, today=ctx.today)
    except InvalidNIK as exc:
        raise ValidationError(NIK_ERRORS[exc.code], code=f"nik_{exc.code}") from exc
    return normalise_nik(value)


def applicable_questions(ctx: Context) -> list[Question]:
    return [q for q in QUESTIONS if q.applies(ctx)]


def validate_answer(question: Question, raw: Any, ctx: Context) -> Any:
    """Field-level validation shared by the web form and the API; raises ValidationError."""
    form_class = type("AnswerForm", (forms.Form,), {"value": question.form_field(ctx)})
    form = form_class(data={"value": raw if raw is not None else ""})
    if not form.is_valid():
        raise ValidationError(form.errors["value"])
    value = form.cleaned_data["value"]
    if question.validate is not None:
        value = question.validate(value, ctx)
    return value
