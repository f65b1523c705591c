"""Public service-standard pages (UU 25/2009 Art. 21): one page per service, both languages."""

from __future__ import annotations

from collections import defaultdict

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from imigrasi.catalog.models import Service, ServiceFamily
from imigrasi.catalog.queries import active_services, effective_fee_lines, jakarta_today
from imigrasi.catalog.queries import service_with_details as load_service


@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    grouped: dict[str, list[Service]] = defaultdict(list)
    for service in active_services():
        grouped[service.family].append(service)
    families = [
        (family.label, grouped[family.value]) for family in ServiceFamily if grouped[family.value]
    ]
    return render(request, "catalog/service_list.html", {"families": families})


@require_GET
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    service = load_service(code)
    if service is None:
        raise Http404
    today = jakarta_today()
    context = {
        "service": service,
        "fee_lines": effective_fee_lines(service, today),
        "fees_as_of": today,
        "requirements": list(service.requirements.all()),
        "variants": list(service.variants.all()),
        "addons": [addon for addon in service.addons.all() if addon.is_active],
    }
    return render(request, "catalog/service_detail.html", context)
