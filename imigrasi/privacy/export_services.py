"""The parts of the copy of one's data that come from the later services: share codes and the
checks made with them, satisfaction-survey answers and complaints.

Only what is linked to the account: an anonymous survey answer or an anonymous complaint
stores no account (that is the promise made when it was given), so it cannot be found here,
and nobody could prove it is theirs. Internal staff notes on a complaint are the office's
working papers, not the complainant's data (UU PDP art. 7 covers data *about* the person:
the notes are listed by count so their existence is not hidden).
"""

from __future__ import annotations

from typing import Any

from imigrasi.accounts.models import User
from imigrasi.complaints.models import Complaint
from imigrasi.feedback.models import Response
from imigrasi.sharecodes.models import ShareCode

SCORES = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")


def share_codes(account: User) -> list[dict[str, Any]]:
    codes = ShareCode.objects.filter(account=account).select_related("credential")
    return [
        {
            "document": share.credential.credential_id,
            "application": share.credential.reference,
            "purpose": share.purpose,
            "created_at": share.created_at,
            "expires_at": share.expires_at,
            "revoked_at": share.revoked_at,
            "checks": [
                {
                    "at": check.checked_at,
                    "organisation": check.organisation,
                    "channel": check.channel,
                    "outcome": check.outcome,
                }
                for check in share.checks.order_by("checked_at")
            ],
        }
        for share in codes.prefetch_related("checks").order_by("created_at")
    ]


def survey_answers(account: User) -> list[dict[str, Any]]:
    answers = Response.objects.filter(account=account).select_related("office", "service")
    return [
        {
            "office": answer.office.code,
            "service": answer.service.code,
            "served_on": answer.served_on,
            "answered_on": answer.submitted_on,
            "scores": {name: getattr(answer, name) for name in SCORES},
            "age_band": answer.age_band,
            "sex": answer.sex,
            "education": answer.education,
            "occupation": answer.occupation,
            "suggestion": answer.suggestion,
        }
        for answer in answers.order_by("submitted_on")
    ]


def complaints(account: User) -> list[dict[str, Any]]:
    filed = Complaint.objects.filter(account=account).select_related("office")
    return [
        {
            "tracking_number": complaint.number,
            "category": complaint.category,
            "office": complaint.office.code if complaint.office else "",
            "title": complaint.title,
            "description": complaint.description,
            "contact": {
                "name": complaint.contact_name,
                "email": complaint.contact_email,
                "phone": complaint.contact_phone,
            },
            "confidential": complaint.confidential,
            "status": complaint.status,
            "filed_at": complaint.created_at,
            "answers": [
                {"at": response.created_at, "text": response.text}
                for response in complaint.responses.filter(visible=True).order_by("created_at")
            ],
            "internal_notes": complaint.responses.filter(visible=False).count(),
        }
        for complaint in filed.order_by("created_at")
    ]
