"""/o/: django-oauth-toolkit's token endpoint (and token revocation), nothing else.

DOT's own URLconf also mounts application-management and authorisation pages for signed-in
users; we register verifier clients only in the admin (behind our sign-in and second factor)
or with ``manage.py create_verifier_client``, and only the client-credentials grant is used.
The namespace stays ``oauth2_provider`` because DOT reverses its names in it.
"""

from django.urls import URLPattern, path
from oauth2_provider import views as oauth_views

app_name = "oauth2_provider"

urlpatterns: list[URLPattern] = [
    path("token/", oauth_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
]
