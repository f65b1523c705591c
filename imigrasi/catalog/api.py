"""Public office directory."""

from __future__ import annotations

from decimal import Decimal

from ninja import Router, Schema

from imigrasi.catalog.models import Office

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
