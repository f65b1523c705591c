"""Public office directory."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema

from imigrasi.catalog.models import Office, Service
from imigrasi.catalog.queries import active_services, effective_fee_lines, service_with_details

router = Router()


class OfficeOut(Schema):
    code: str
    name: str
    kind: str
    address: str
    city: str
    province: str
    timezone: str
    timezone_abbreviation: str
    latitude: Decimal
    longitude: Decimal
    phone: str


@router.get("", auth=None, response=list[OfficeOut], summary="Active immigration offices")
def list_offices(request: object) -> list[dict[str, object]]:
    return [
        {
            "code": office.code,
            "name": office.name,
            "kind": office.kind,
            "address": office.address,
            "city": office.city,
            "province": office.province,
            "timezone": office.timezone,
            "timezone_abbreviation": office.zone_abbreviation,
            "latitude": office.latitude,
            "longitude": office.longitude,
            "phone": office.phone,
        }
        for office in Office.objects.filter(is_active=True)
    ]


services_router = Router()


class FeeOut(Schema):
    variant: str | None
    label: str
    amount: int
    kind: str
    condition: str
    legal_basis: str
    note: str


class RequirementOut(Schema):
    code: str
    name: str
    help: str
    mandatory: bool
    condition: str
    upload: bool


class ServiceOut(Schema):
    code: str
    family: str
    name: str
    summary: str
    requires_visit: bool
    online_application: bool
    completion_value: int
    completion_unit: str


class ServiceDetailOut(ServiceOut):
    who_can_apply: str
    procedure: list[str]
    product: str
    legal_basis: str
    variants: list[dict[str, str]]
    requirements: list[RequirementOut]
    fees: list[FeeOut]


def _service_out(service: Service) -> dict[str, object]:
    return {
        "code": service.code,
        "family": service.family,
        "name": service.name,
        "summary": service.summary,
        "requires_visit": service.requires_visit,
        "online_application": service.online_application,
        "completion_value": service.completion_value,
        "completion_unit": service.completion_unit,
    }


@services_router.get("", auth=None, response=list[ServiceOut], summary="The service catalog")
def list_services(request: object) -> list[dict[str, object]]:
    return [_service_out(s) for s in active_services()]


@services_router.get(
    "/{code}",
    auth=None,
    response=ServiceDetailOut,
    summary="One service's standard: requirements, current fees, procedure",
)
def service_detail(request: object, code: str) -> dict[str, object]:
    service = service_with_details(code)
    if service is None:
        raise Http404
    return {
        **_service_out(service),
        "who_can_apply": service.who_can_apply,
        "procedure": service.procedure_steps,
        "product": service.product,
        "legal_basis": service.legal_basis,
        "variants": [{"code": v.code, "label": v.label} for v in service.variants.all()],
        "requirements": [
            {
                "code": r.code,
                "name": r.name,
                "help": r.help,
                "mandatory": r.mandatory,
                "condition": r.condition,
                "upload": r.upload,
            }
            for r in service.requirements.all()
        ],
        "fees": [
            {
                "variant": line.variant.code if line.variant else None,
                "label": line.label,
                "amount": line.amount,
                "kind": line.kind,
                "condition": line.condition,
                "legal_basis": line.legal_basis,
                "note": line.note,
            }
            for line in effective_fee_lines(service)
        ],
    }
