from __future__ import annotations

import pytest

from imigrasi.applications.workflow import (
    STATUS_TEXT,
    WORKFLOWS,
    Actor,
    IllegalTransition,
    Status,
    available_actions,
    transition_for,
)


def test_every_status_tells_the_applicant_what_it_means_what_next_and_when():
    for status in Status:
        text = STATUS_TEXT[status]
        assert str(text.meaning) and str(text.next_step) and str(text.expected)


def test_every_target_and_source_is_a_known_status():
    for transitions in WORKFLOWS.values():
        for transition in transitions.values():
            assert transition.target in Status.values
            assert transition.sources <= set(Status.values)


@pytest.mark.parametrize(
    ("workflow", "action", "status", "actor"),
    [
        ("passport", "approve", Status.IN_REVIEW, Actor.OFFICER),  # approval needs the interview
        ("passport", "pay", Status.DRAFT, Actor.SYSTEM),
        ("passport", "submit", Status.DRAFT, Actor.OFFICER),  # only the applicant sends
        ("passport", "approve", Status.INTERVIEWED, Actor.APPLICANT),
        ("visa", "mark_ready", Status.APPROVED, Actor.OFFICER),  # no printing for e-visas
        ("visa", "nonsense", Status.DRAFT, Actor.APPLICANT),
    ],
)
def test_illegal_transitions_are_refused(workflow, action, status, actor):
    with pytest.raises(IllegalTransition):
        transition_for(workflow, action, status, actor)


def test_the_passport_flow_follows_the_domain_brief():
    path = [
        ("submit", Actor.APPLICANT, Status.AWAITING_PAYMENT),
        ("pay", Actor.SYSTEM, Status.IN_REVIEW),
        ("accept_documents", Actor.OFFICER, Status.AWAITING_VISIT),
        ("record_visit", Actor.OFFICER, Status.INTERVIEWED),
        ("approve", Actor.OFFICER, Status.IN_PRODUCTION),
        ("mark_ready", Actor.OFFICER, Status.READY_FOR_PICKUP),
        ("mark_collected", Actor.OFFICER, Status.COLLECTED),
    ]
    status: str = Status.DRAFT
    for action, actor, expected in path:
        status = transition_for("passport", action, status, actor).target
        assert status == expected


def test_officers_see_only_the_steps_the_status_allows():
    actions = {t.action for t in available_actions("passport", Status.IN_REVIEW, Actor.OFFICER)}
    assert actions == {"request_documents", "accept_documents", "reject"}
