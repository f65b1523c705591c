"""The PDF receipt: application number, service, fees, and a QR code to the status check.

WeasyPrint renders an HTML template (so the receipt uses the same translations as the site)
into a tagged PDF (PDF/UA), readable by screen readers; segno draws the QR code as SVG.
"""

from __future__ import annotations

import base64
import io

import segno
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import ImageFile
from weasyprint import HTML

from imigrasi.applications.models import Application
from imigrasi.applications.workflow import STATUS_TEXT

# WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when imported;
# the upload checks need truncated images to fail. We render only our own QR images.
ImageFile.LOAD_TRUNCATED_IMAGES = False


def qr_data_uri(text: str) -> str:
    """PNG (an image every PDF reader shows, and one scanners decode reliably when printed)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=4, dark="#0b0c0c")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def status_check_url(application: Application) -> str:
    return f"{settings.PUBLIC_BASE_URL}/cek-status/?nomor={application.number}"


def render_receipt(request: HttpRequest | None, application: Application) -> bytes:
    context = {
        "application": application,
        "text": STATUS_TEXT[application.status],
        "qr": qr_data_uri(status_check_url(application)),
        "status_url": status_check_url(application),
        "printed_at": timezone.now(),
        "billing": application.billing_codes.exclude(code__isnull=True).first(),
    }
    html = render_to_string("applications/receipt.html", context, request=request)
    pdf: bytes = HTML(string=html, base_url=settings.PUBLIC_BASE_URL).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    return pdf
