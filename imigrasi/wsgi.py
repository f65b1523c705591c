"""WSGI entry point (granian serves it; see `make run`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imigrasi.settings")

application = get_wsgi_application()
