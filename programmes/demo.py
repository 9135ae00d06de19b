"""Demo data for `seed_demo`. Apps add their own seeders with `register_seeder`, so this core module
never imports them (the dependency points from the apps to programmes)."""

import base64
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import Group

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from programmes.models import User
from programmes.roles import Role, sync_role_permissions
from programmes.security import requires_two_factor

DEMO_PASSWORD = "essaim-demo"  # published with the demo accounts  # nosec B105
# The demo accounts under two-factor authentication (coordinatrice, fabrique, admin) share this TOTP
# secret, published like the demo password: seed_demo only runs in debug or with --force.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"
DEMO_TOTP_DEVICE_NAME = "Essaim demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str | None
    description: str
    is_superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("jeune", "Lina", "Moreau", Role.LEARNER, "learner (jeune coopérante)"),
    DemoAccount("animateur", "Karim", "Benali", Role.FACILITATOR, "facilitator of demo cohorts"),
    DemoAccount("coordinatrice", "Claire", "Martin", Role.COORDINATOR, "coordinator, CJS in some regions"),
    DemoAccount("fabrique", "Sophie", "Lambert", Role.FABRIQUE, "national team (Fabrique Coopérative)"),
    DemoAccount("partenaire", "Marc", "Durand", Role.PARTNER, "local partner (aggregates only)"),
    DemoAccount("admin", "Admin", "Essaim", None, "superuser", is_superuser=True),
]

_seeders: list[Callable[[], None]] = []


def seeded_random(seed: str) -> random.Random:
    """A generator seeded for reproducible fictional demo data (never for secrets: see `secrets`)."""
    return random.Random(seed)  # fictional data only  # nosec B311


def register_seeder(seeder: Callable[[], None]) -> Callable[[], None]:
    """Apps call this from their AppConfig.ready() so seed_demo runs their part too."""
    if seeder not in _seeders:
        _seeders.append(seeder)
    return seeder


def registered_seeders() -> list[Callable[[], None]]:
    return list(_seeders)


def seed_accounts() -> list[DemoAccount]:
    """Create (or reset) one account per role with the demo password."""
    sync_role_permissions()
    for account in DEMO_ACCOUNTS:
        user, _created = User.objects.get_or_create(username=account.username)
        user.first_name, user.last_name = account.first_name, account.last_name
        user.email = f"{account.username}@demo.essaim.localhost"
        user.is_superuser = user.is_staff = account.is_superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
        if account.role:
            user.groups.add(Group.objects.get(name=account.role))
        if requires_two_factor(user):
            TOTPDevice.objects.update_or_create(
                user=user,
                name=DEMO_TOTP_DEVICE_NAME,
                defaults={"key": DEMO_TOTP_KEY, "confirmed": True, "last_t": -1},
            )
    return DEMO_ACCOUNTS


def demo_totp_secret() -> str:
    """The demo TOTP secret as authenticator apps take it (base32)."""
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()


def demo_totp_code() -> str:
    """The code an authenticator app set up with the demo secret shows now (30-second steps, 6 digits)."""
    return f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}"
