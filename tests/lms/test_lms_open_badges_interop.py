"""The Open Badge of the demo learner's certificate checked by an independent verifier from the npm registry
(@digitalcredentials/verifier-core, tests/interop/verifier/), fully offline: the verifier's own bundled
contexts, the issuer's did:key, and the status list this application publishes, handed over as a file.

`make test` and CI install the verifier (`npm ci`, from its lock file) first; without node or the
installed verifier the tests are skipped on a developer machine and fail in CI (ESSAIM_REQUIRE_SERVICES)."""

import copy
import json
import shutil
import subprocess  # nosec B404 (runs node on files this test wrote)
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

import pytest

from lms import services
from lms.models import Certificate
from tests.conftest import require_service
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

VERIFIER = Path(__file__).resolve().parents[1] / "interop" / "verifier"
BASE_URL = "https://essaim.example.org"
STATUS_LIST = f"{BASE_URL}/credentials/status/0/"


@pytest.fixture
def node() -> str:
    executable = shutil.which("node")
    require_service("node", executable is not None, "install Node.js 18 or later")
    require_service(
        "Open Badges verifier",
        (VERIFIER / "node_modules" / "@digitalcredentials" / "verifier-core").is_dir(),
        "run `make interop` (npm ci --prefix tests/interop/verifier)",
    )
    assert executable is not None
    return executable


@pytest.fixture
def demo_certificate(settings) -> Certificate:
    settings.ESSAIM_PUBLIC_BASE_URL = BASE_URL
    call_command("seed_demo", "--quiet", "--force")
    return Certificate.objects.get(user__username="jeune")


def verify(node: str, credential: dict, status_list: dict, tmp_path: Path) -> dict:
    credential_file = tmp_path / "credential.json"
    status_file = tmp_path / "status-list.json"
    credential_file.write_text(json.dumps(credential), encoding="utf-8")
    status_file.write_text(json.dumps(status_list), encoding="utf-8")
    completed = subprocess.run(  # nosec B603 (fixed arguments, no shell)
        [node, "verify.mjs", str(credential_file), "--serve", f"{STATUS_LIST}={status_file}"],
        cwd=VERIFIER,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    # Offline: only the OB JSON schema's address (the verifier's optional schema check) was refused.
    assert all("purl.imsglobal.org/spec/ob/v3p0/schema/" in url for url in result["refused_requests"]), result
    return result


def published_status_list(client) -> dict:
    response = client.get(reverse("lms:badge_status_list", args=[0]))
    assert response.status_code == 200
    return response.json()


def test_the_demo_certificate_verifies_and_a_tampered_copy_does_not(
    node, demo_certificate, client, tmp_path, django_capture_on_commit_callbacks
):
    credential = services.open_badge_credential(certificate=demo_certificate, by=demo_certificate.user)
    assert credential["credentialStatus"]["statusListCredential"] == STATUS_LIST

    result = verify(node, credential, published_status_list(client), tmp_path)
    assert result["verified"] is True, result
    assert result["signature"] == "valid"
    assert result["expired"] is False
    assert result["revocation"] == "not_revoked"

    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["name"] = "Master en finance"
    result = verify(node, tampered, published_status_list(client), tmp_path)
    assert result["verified"] is False
    assert result["signature"] == "invalid"
    assert [error["name"] for error in result["errors"]] == ["invalid_signature"]

    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_certificate(
            certificate=demo_certificate, reason="Erreur de saisie", by=UserFactory(role="fabrique")
        )
    result = verify(node, credential, published_status_list(client), tmp_path)
    assert result["signature"] == "valid"
    assert result["revocation"] == "revoked"
    assert result["verified"] is False


def test_a_forged_status_list_is_not_believed(node, demo_certificate, client, tmp_path):
    credential = services.open_badge_credential(certificate=demo_certificate, by=demo_certificate.user)
    status_list = published_status_list(client)
    status_list["credentialSubject"]["encodedList"] = (
        status_list["credentialSubject"]["encodedList"][:-4] + "AAAA"
    )

    result = verify(node, credential, status_list, tmp_path)

    assert result["signature"] == "valid"
    assert result["revocation"] == "error"
    assert result["verified"] is False
