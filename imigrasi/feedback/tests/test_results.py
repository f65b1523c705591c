"""The published results: per office, service and period, with the CSV of the same figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from imigrasi.feedback import actions, queries
from imigrasi.feedback.ikm import Period
from imigrasi.feedback.models import Response
from imigrasi.feedback.tests.conftest import invite

pytestmark = pytest.mark.django_db

# The hand-worked example of test_ikm: IKM 83.33, grade B.
FOUR_RESPONDENTS = [
    [4, 4, 3, 4, 3, 4, 4, 3, 4],
    [3, 3, 3, 4, 3, 3, 4, 2, 3],
    [4, 3, 2, 4, 4, 4, 4, 3, 3],
    [3, 3, 3, 4, 3, 3, 3, 3, 3],
]
SERVED = dt.date(2025, 8, 14)  # in 2025-Q3


@pytest.fixture
def answered(catalog: None) -> None:
    """Four answers at Jakarta Selatan in 2025-Q3 out of six services; one in Q2."""
    for number, scores in enumerate(FOUR_RESPONDENTS):
        invitation, _token = invite(reference=f"q3-{number}", served_on=SERVED)
        answers = {f"u{i}": score for i, score in enumerate(scores, start=1)}
        actions.do_submit_response(invitation, answers, anonymous=number % 2 == 0)
    for number in range(2):
        invite(reference=f"q3-unanswered-{number}", served_on=SERVED)
    earlier, _token = invite(reference="q2", served_on=dt.date(2025, 5, 2))
    actions.do_submit_response(earlier, {f"u{i}": 1 for i in range(1, 10)}, anonymous=True)


def test_the_office_figures_are_the_hand_worked_example(answered: None) -> None:
    from imigrasi.catalog.models import Office

    office = Office.objects.get(code="kanim-jakarta-selatan")
    figures = queries.office_results(office, Period.parse("2025-Q3"))
    assert figures.respondents == 4
    assert figures.population == 6
    assert figures.minimum_sample == 6  # fewer than 10 served: all of them
    assert not figures.sample_reached
    assert figures.result is not None
    assert str(figures.result.ikm) == "83.33"
    assert figures.result.grade == "B"
    year = queries.office_results(office, Period.parse("2025"))
    assert year.respondents == 5


def test_the_public_page_shows_each_office_for_the_chosen_period(
    client: Any, answered: None, django_assert_max_num_queries: Any
) -> None:
    client.cookies["imigrasi_lang"] = "en"
    with django_assert_max_num_queries(8):
        page = client.get("/ikm/?periode=2025-Q3")
    assert page.status_code == 200
    body = page.content.decode()
    assert "83.33" in body
    assert "B (Good)" in body
    office_page = client.get("/ikm/kanim-jakarta-selatan/?periode=2025-Q3").content.decode()
    assert "83.33" in office_page
    assert "3.500" in office_page  # U1's NRR, 3 decimals
    assert "2.750" in office_page
    assert "not reached" in office_page


def test_a_bad_period_falls_back_to_the_last_complete_quarter(client: Any, answered: None) -> None:
    client.cookies["imigrasi_lang"] = "en"
    page = client.get("/ikm/?periode=2025-Q9")
    assert page.status_code == 200
    assert b"That period is not available" in page.content
    assert page.context["period"] == queries.default_period()


def test_the_csv_has_the_same_figures(client: Any, answered: None) -> None:
    download = client.get("/ikm/kanim-jakarta-selatan/data.csv?periode=2025-Q3")
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    total, service = rows
    assert total["service_code"] == ""
    assert service["service_code"] == "paspor-baru-dewasa"
    assert total["respondents"] == "4"
    assert total["population"] == "6"
    assert total["sample_reached"] == "no"
    assert [total[f"nrr_u{i}"] for i in range(1, 10)] == [
        "3.500", "3.250", "2.750", "4.000", "3.250", "3.500", "3.750", "2.750", "3.250"
    ]  # fmt: skip
    assert (total["index"], total["ikm"], total["grade"]) == ("3.3333", "83.33", "B")
    everyone = list(
        csv.DictReader(io.StringIO(client.get("/ikm/data.csv?periode=2025-Q3").content.decode()))
    )
    assert [(row["office_code"], row["ikm"]) for row in everyone] == [
        ("kanim-jakarta-selatan", "83.33")
    ]


def test_an_unknown_office_is_not_found(client: Any, catalog: None) -> None:
    assert client.get("/ikm/kanim-atlantis/").status_code == 404
    assert client.get("/ikm/kanim-atlantis/data.csv").status_code == 404


def test_the_demo_data_gives_every_demo_office_figures(catalog: None) -> None:
    from imigrasi.feedback import demo

    demo.load()
    assert demo.load() == ["Survey: demo answers already loaded"]
    previous = queries.default_period()
    rows = queries.offices_results(previous)
    assert {row.key for row in rows} == set(demo.OFFICES)
    assert all(row.result is not None for row in rows)
    assert {row.sample_reached for row in rows} == {True, False}
    assert Response.objects.filter(account__isnull=False).count() == 0
