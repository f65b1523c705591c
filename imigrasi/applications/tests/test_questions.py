"""Validation of answers: the same rules for the web wizard and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from imigrasi.applications import actions
from imigrasi.applications.demo import VISITOR_MRZ
from imigrasi.applications.tests.conftest import make
from imigrasi.applications.wizard import context_for, next_question
from imigrasi.lib.mrz import make_td3

pytestmark = pytest.mark.django_db


def answer(application, key, value, actor):
    return actions.do_answer_question(application, key, value, actor)


def started(applicant, service="paspor-baru-dewasa"):
    from imigrasi.catalog.models import Service

    return actions.do_start_application(applicant, Service.objects.get(code=service))


def test_the_nik_must_match_the_date_of_birth_and_sex(catalog, applicant):
    application = started(applicant)
    answer(application, "full_name", "Siti Rahmawati", applicant)
    answer(application, "date_of_birth", "12-04-1991", applicant)
    answer(application, "sex", "M", applicant)
    with pytest.raises(ValidationError) as caught:
        answer(application, "nik", "3174055204910003", applicant)  # a woman's NIK (day + 40)
    assert caught.value.error_list[0].code == "nik_sex_mismatch"
    answer(application, "sex", "F", applicant)
    with pytest.raises(ValidationError) as caught:
        answer(application, "nik", "3174055205910003", applicant)  # born 12 May, not 12 April
    assert caught.value.error_list[0].code == "nik_birth_date_mismatch"
    application = answer(application, "nik", "3174 0552 0491 0003", applicant)
    assert application.person.nik == "3174055204910003"
    assert application.person.full_name == "SITI RAHMAWATI"  # ICAO capitals


def test_names_follow_icao_rules_and_the_error_shows_the_corrected_form(catalog, applicant):
    application = started(applicant)
    with pytest.raises(ValidationError) as caught:
        answer(application, "full_name", "Dr. M. Firman S.Kom", applicant)
    assert "M FIRMAN" in " ".join(caught.value.messages)


def test_someone_who_had_a_passport_is_stopped_from_paying_for_a_new_one(catalog, applicant):
    application = started(applicant)
    with pytest.raises(ValidationError) as caught:
        answer(application, "has_old_passport", "yes", applicant)
    assert caught.value.error_list[0].code == "needs_replacement"


def test_an_adult_service_refuses_a_child_and_the_child_service_an_adult(catalog, applicant):
    child = started(applicant, "paspor-anak")
    with pytest.raises(ValidationError) as caught:
        answer(child, "date_of_birth", "1990-01-01", applicant)
    assert caught.value.error_list[0].code == "too_old_for_service"


def test_an_unmarried_child_cannot_apply_for_an_adult_passport(catalog, applicant):
    application = started(applicant)
    answer(application, "date_of_birth", "2012-01-01", applicant)
    with pytest.raises(ValidationError) as caught:
        answer(application, "is_married", "no", applicant)
    assert caught.value.error_list[0].code == "needs_child_passport"
    assert answer(application, "is_married", "yes", applicant).answers["is_married"] is True


def test_children_are_offered_only_five_year_passports(catalog, applicant):
    application = started(applicant, "paspor-hilang")
    answer(application, "date_of_birth", "2015-03-03", applicant)
    answer(application, "is_married", "no", applicant)  # lost passports: any age
    with pytest.raises(ValidationError):
        answer(application, "variant", "elektronik-10", applicant)
    assert answer(application, "variant", "elektronik-5", applicant).variant_code == "elektronik-5"


def test_the_mrz_fills_the_passport_details_and_checks_its_check_digits(catalog, applicant):
    application = started(applicant, "evoa")
    mrz = VISITOR_MRZ
    broken = mrz[:-1] + ("1" if mrz[-1] != "1" else "2")
    with pytest.raises(ValidationError) as caught:
        answer(application, "mrz", broken, applicant)
    assert caught.value.error_list[0].code == "mrz_check_digit"
    application = answer(application, "mrz", mrz, applicant)
    person = application.person
    assert (person.full_name, person.passport_number, person.nationality, person.sex) == (
        "OLIVIA JANE SMITH",
        "PA1234567",
        "AUS",
        "F",
    )
    assert person.date_of_birth == "1992-03-15"


def test_a_passport_expiring_within_six_months_is_refused_for_a_visa(catalog, applicant):
    application = started(applicant, "evoa")
    soon = make_td3(
        surname="LEE",
        given_names="MIN",
        number="M12345678",
        nationality="KOR",
        birth="900101",
        sex="M",
        expiry="270301",
    )
    with pytest.raises(ValidationError) as caught:
        answer(application, "mrz", soon, applicant)
    assert caught.value.error_list[0].code == "mrz_expiring"


def test_a_visa_on_arrival_refuses_purposes_it_does_not_allow(catalog, applicant):
    application = started(applicant, "evoa")
    with pytest.raises(ValidationError) as caught:
        answer(application, "voa_purpose", "other", applicant)
    assert caught.value.error_list[0].code == "voa_purpose"


def test_answers_are_encrypted_and_the_wizard_moves_on(catalog, applicant):
    from django.db import connection

    application = started(applicant)
    first_question = next_question(context_for(application))
    assert first_question is not None
    first = first_question.key
    application = answer(application, "place_of_birth", "Kota Surakarta", applicant)
    assert application.answers["place_of_birth"] == "Kota Surakarta"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answers FROM applications_application WHERE id = %s", [application.pk]
        )
        raw = cursor.fetchone()[0]
    assert raw.startswith("enc1$") and "Surakarta" not in raw
    following = next_question(context_for(application))
    assert following is not None and following.key == first  # earlier questions still open


def test_the_audit_log_records_which_answer_changed_never_its_value(catalog, applicant):
    from imigrasi.audit.models import AuditEntry

    application = started(applicant)
    for key, value in [("place_of_birth", "Kota Surakarta"), ("citizenship_by", "birth")]:
        application = answer(application, key, value, applicant)
    entries = AuditEntry.objects.filter(action="application.answered").order_by("id")
    assert [entry.after for entry in entries] == [
        {"fields": ["place_of_birth"]},
        {"fields": ["citizenship_by"]},
    ]


def test_a_sent_application_can_no_longer_be_changed(catalog, applicant):
    application = make("awaiting_payment", account=applicant.email)
    with pytest.raises(actions.ApplicationError) as caught:
        answer(application, "place_of_birth", "Bandung", applicant)
    assert caught.value.code == "not_editable"


def test_an_account_applies_for_at_most_five_people(catalog, applicant):
    from imigrasi.catalog.models import Service

    service = Service.objects.get(code="paspor-anak")
    for _ in range(5):
        actions.do_start_application(applicant, service, relationship="child")
    with pytest.raises(actions.ApplicationError) as caught:
        actions.do_start_application(applicant, service, relationship="child")
    assert caught.value.code == "too_many_people"
    person = applicant.people.first()
    assert actions.do_start_application(applicant, service, person=person).person == person
