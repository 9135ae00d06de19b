"""Make a new Open Badges signing key: prints the line for the environment and the issuer it gives."""

from typing import Any

from django.core.management.base import BaseCommand

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms import data_integrity


class Command(BaseCommand):
    help = "Print a new Ed25519 key for ESSAIM_BADGE_SIGNING_KEY and the did:key issuer it makes."

    def handle(self, *args: Any, **options: Any) -> None:
        key = Ed25519PrivateKey.generate()
        self.stdout.write(f"ESSAIM_BADGE_SIGNING_KEY={data_integrity.private_key_multibase(key)}")
        self.stderr.write(
            f"Issuer: {data_integrity.did_key(key.public_key())}\n"
            "Keep the key secret (a secrets manager, never the repository); see docs/open-badges.md."
        )
