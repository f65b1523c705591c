"""ASGI entry point, reserved for streaming URLs (server-sent events) in later capabilities.

Ordinary pages and the API are served over WSGI, measured ~7x faster here (ARCHITECTURE.md).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imigrasi.settings")

application = get_asgi_application()
