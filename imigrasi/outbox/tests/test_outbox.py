"""Decision events reach the agencies that need them, signed, exactly once in effect, and a
slow or dead agency loses nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from imigrasi.accounts.queries import personal_data_reads_about
from imigrasi.applications.actions import do_officer_action
from imigrasi.applications.tests.conftest import make
from imigrasi.audit.models import AuditEntry
from imigrasi.lib.mrz import make_td3
from imigrasi.outbox import actions
from imigrasi.outbox.models import Delivery, DeliveryStatus, OutboundEvent
from imigrasi.outbox.tests.conftest import Receiver, start_receiver, subscribe

pytestmark = pytest.mark.django_db

VISITOR_MRZ = make_td3(
    surname="TANAKA",
    given_names="HIROSHI",
    number="TR1234567",
    nationality="JPN",
    birth="851010",
    sex="M",
    expiry="331231",
)


def approved_visa(officer: Any) -> Any:
    application = make(
        "in_verification",
        account="hiroshi@example.jp",
        service="visa-e31a",
        nik="",
        name="",
        birth="",
        sex="",
        mrz=VISITOR_MRZ,
        sponsor_name="RATNA DEWI",
        sponsor_nik="3174054505900002",
    )
    return do_officer_action(application, officer, "approve", expected_version=application.version)


def issued_passport(officer: Any) -> Any:
    application = make("in_production")
    return do_officer_action(
        application, officer, "mark_ready", expected_version=application.version
    )


def deliver_all() -> dict[str, int]:
    return actions.deliver_due()


def test_an_issued_passport_reaches_the_registry_signed_with_only_what_it_needs(
    catalog: None, officer: Any, receiver: Receiver
) -> None:
    subscribe(receiver.url, receiver.secret, ["passport.issued"])
    application = issued_passport(officer)
    event = OutboundEvent.objects.get()
    assert event.type == "passport.issued" and event.reference == application.number
    assert deliver_all() == {"delivered": 1}
    [message] = receiver.received()["messages"]
    assert message["type"] == "passport.issued"
    assert message["data"]["holder"] == {
        "name": "SITI RAHMAWATI",
        "date_of_birth": "1991-04-12",
        "nik": "3174055204910003",
    }
    assert set(message["data"]) == {"application", "service", "office", "decided_on", "holder"}


def test_the_person_sees_which_agency_received_their_data(
    catalog: None, officer: Any, receiver: Receiver
) -> None:
    subscribe(receiver.url, receiver.secret, ["passport.issued"])
    application = issued_passport(officer)
    deliver_all()
    reads = personal_data_reads_about(application.account)
    assert reads[0].who == "Ditjen Dukcapil"
    assert reads[0].why == "Diberi tahu sesuai ketentuan hukum tentang keputusan mengenai Anda"


def test_a_visa_approval_goes_to_the_subscribed_agency_only(
    catalog: None, officer: Any, receiver: Receiver
) -> None:
    subscribe(receiver.url, receiver.secret, ["passport.issued"], code="dukcapil")
    subscribe(receiver.url, receiver.secret, ["visa.granted"], code="kemnaker")
    approved_visa(officer)
    delivery = Delivery.objects.select_related("subscriber", "event").get()
    assert delivery.subscriber.code == "kemnaker" and delivery.event.type == "visa.granted"
    deliver_all()
    [message] = receiver.received()["messages"]
    assert message["data"]["holder"]["passport_number"] == "TR1234567"
    assert "nik" not in message["data"]["holder"]


def test_a_decision_rolled_back_leaves_no_event(
    catalog: None, officer: Any, receiver: Receiver
) -> None:
    subscribe(receiver.url, receiver.secret, ["passport.issued"])
    application = make("in_production")
    with pytest.raises(RuntimeError), transaction.atomic():
        do_officer_action(application, officer, "mark_ready", expected_version=application.version)
        raise RuntimeError("the request failed after the decision")
    assert not OutboundEvent.objects.exists() and not Delivery.objects.exists()


def test_an_agency_that_is_down_gets_the_event_when_it_is_back(
    catalog: None, officer: Any, receiver: Receiver
) -> None:
    subscribe(receiver.url, receiver.secret, ["passport.issued"])
    issued_passport(officer)
    receiver.mode("error")
    assert deliver_all() == {"pending": 1}
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status == 503
    assert delivery.next_attempt_at > delivery.updated_at  # the next try is booked, not now
    assert deliver_all() == {}  # not yet due
    receiver.mode("normal")
    Delivery.objects.update(next_attempt_at=delivery.updated_at)
    assert deliver_all() == {"delivered": 1}
    assert len(receiver.received()["messages"]) == 1


def test_after_the_last_attempt_a_delivery_is_dead_until_someone_replays_it(
    catalog: None, officer: Any, supervisor: Any, receiver: Receiver
) -> None:
    subscribe(receiver.url, receiver.secret, ["passport.issued"])
    issued_passport(officer)
    receiver.mode("down")
    delivery = Delivery.objects.get()
    for attempt in range(actions.MAX_ATTEMPTS):
        actions.do_deliver(delivery.pk, attempt)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD and delivery.attempts == actions.MAX_ATTEMPTS
    receiver.mode("normal")
    actions._client.cache_clear()  # as if the circuit's reset time had passed
    actions.do_replay(delivery, supervisor)
    actions.do_deliver(delivery.pk, actions.MAX_ATTEMPTS)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert AuditEntry.objects.filter(action="outbox.replayed", actor_id=supervisor.pk).exists()


def test_a_replay_of_a_delivered_event_is_a_duplicate_the_agency_can_drop(
    catalog: None, officer: Any, supervisor: Any, receiver: Receiver
) -> None:
    subscribe(receiver.url, receiver.secret, ["passport.issued"])
    issued_passport(officer)
    deliver_all()
    delivery = Delivery.objects.get()
    actions.do_replay(delivery, supervisor)
    deliver_all()
    received = receiver.received()
    assert len(received["messages"]) == 1 and received["duplicates"] == 1


def test_a_duplicated_job_for_the_same_attempt_sends_nothing(
    catalog: None, officer: Any, receiver: Receiver
) -> None:
    subscribe(receiver.url, receiver.secret, ["passport.issued"])
    issued_passport(officer)
    delivery = Delivery.objects.get()
    assert actions.do_deliver(delivery.pk, 0) == "delivered"
    assert actions.do_deliver(delivery.pk, 0) == "skipped"
    assert receiver.received()["duplicates"] == 0


def test_a_wrong_secret_is_refused_by_the_agency_and_kept_pending(
    catalog: None, officer: Any, receiver: Receiver
) -> None:
    subscribe(receiver.url, "whsec_" + "QUFB" * 11, ["passport.issued"])
    issued_passport(officer)
    assert deliver_all() == {"pending": 1}
    assert receiver.received()["rejected"] == 1
    assert Delivery.objects.get().last_status == 401


def test_during_a_rotation_both_the_old_and_the_new_secret_are_accepted(
    catalog: None, officer: Any, admin_user: Any, tmp_path: Any
) -> None:
    from imigrasi.outbox.signing import new_secret

    old = new_secret()
    old_only, old_url = start_receiver(tmp_path, old)
    try:
        subscriber = subscribe(old_url, old, ["passport.issued"])
        new = actions.do_rotate_secret(subscriber, admin_user)
        assert new != old and len(actions.secrets_in_force(subscriber)) == 2
        issued_passport(officer)
        assert deliver_all() == {"delivered": 1}  # an agency still on the old secret
    finally:
        old_only.terminate()
        old_only.wait(timeout=10)
    new_dir = tmp_path / "new"
    new_dir.mkdir()
    new_only, new_url = start_receiver(new_dir, new)
    try:
        subscriber.url = f"{new_url}/events"
        subscriber.save()
        actions.do_replay(Delivery.objects.get(), admin_user)
        assert deliver_all() == {"delivered": 1}  # and one that switched already
    finally:
        new_only.terminate()
        new_only.wait(timeout=10)
    assert AuditEntry.objects.filter(action="outbox.secret_rotated").count() == 1


def test_the_sweep_command_sends_what_is_due(
    catalog: None, officer: Any, receiver: Receiver
) -> None:
    import io

    from django.core.management import call_command

    subscribe(receiver.url, receiver.secret, ["passport.issued"])
    issued_passport(officer)
    out = io.StringIO()
    call_command("deliver_events", stdout=out)
    assert '"delivered": 1' in out.getvalue()
    assert len(receiver.received()["messages"]) == 1


def test_the_staff_page_lists_deliveries_and_a_supervisor_replays_a_dead_one(
    catalog: None, officer: Any, supervisor: Any, staff_client: Any, receiver: Receiver
) -> None:
    subscribe(receiver.url, receiver.secret, ["passport.issued"])
    issued_passport(officer)
    Delivery.objects.update(status=DeliveryStatus.DEAD, attempts=actions.MAX_ATTEMPTS)
    client = staff_client(supervisor)
    page = client.get("/staff/integrasi/", {"status": "dead"}).content.decode()
    assert "Ditjen Dukcapil" in page and 'id="count-dead">1<' in page
    delivery = Delivery.objects.get()
    assert client.post(f"/staff/integrasi/kirim-ulang/{delivery.pk}/").status_code == 302
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    assert "/staff/integrasi/rahasia/" not in page  # rotating secrets is the administrator's


def test_an_administrator_gets_the_new_secret_once_on_the_page(
    catalog: None, admin_user: Any, staff_client: Any, receiver: Receiver
) -> None:
    subscriber = subscribe(receiver.url, receiver.secret, ["passport.issued"])
    page = staff_client(admin_user).post("/staff/integrasi/rahasia/dukcapil/").content.decode()
    shown = page.split('<code id="secret">')[1].split("</code>")[0]
    assert shown.startswith("whsec_") and shown in actions.secrets_in_force(subscriber)
    listing = staff_client(admin_user).get("/staff/integrasi/").content.decode()
    assert shown not in listing
