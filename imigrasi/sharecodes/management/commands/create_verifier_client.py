"""manage.py create_verifier_client "PT Contoh Abadi": an OAuth client for status checks.

Prints the client id and secret once: the secret is stored hashed and cannot be shown again
(register a new client if it is lost, and delete the old one in the admin).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imigrasi.sharecodes.actions import do_register_verifier_client


class Command(BaseCommand):
    help = "Register an employer or agency as an OAuth2 client (client credentials, status:read)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The organisation's name, as holders will see it")

    def handle(self, *args: Any, **options: Any) -> None:
        client, secret = do_register_verifier_client(options["name"], actor=None)
        self.stdout.write(f"Client registered: {client.name}")
        self.stdout.write(f"  client_id:     {client.client_id}")
        self.stdout.write(f"  client_secret: {secret}")
        self.stdout.write("The secret is shown only now. Hand both over through a secure channel.")
