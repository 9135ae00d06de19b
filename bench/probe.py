"""In-process part of the benchmark, run by bench/run.py against the benchmark database.

`probe.py targets`  prints the endpoints to load (URL, how to authenticate, target ratio) and the
                    number of SQL queries each one makes, measured with Django's test client.
`probe.py pdfs N`   renders N certificate PDFs and prints the rate.
`probe.py import N` imports a CSV of N participants and prints the time taken.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from rest_framework.authtoken.models import Token  # noqa: E402

from programmes import scale  # noqa: E402
from programmes.models import Cohort, FacilitatorAssignment, Session, User  # noqa: E402

# Kinds and their p95 targets as a ratio to the floor's p95 (issue: pages 25x, API 15x, dashboard 40x).
TARGET_RATIO = {"floor": 1, "page": 25, "api": 15, "dashboard": 40}
HOST = "127.0.0.1"


def _session_cookie(user: User) -> str:
    """A logged-in session, past the second factor for the accounts that need one."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from programmes.security import requires_two_factor

    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    if requires_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return f"sessionid={client.cookies['sessionid'].value}"


def _public_cjs_url(cohort: Cohort) -> str:
    from cms.models import CjsDirectoryPage  # the public site, read only

    directory = CjsDirectoryPage.objects.live().first()
    if directory is None:
        return ""
    return directory.cohort_url(cohort)


def targets() -> list[dict[str, object]]:
    from lms.models import CourseEnrolment

    fabrique = User.objects.get(username="fabrique")
    facilitator = User.objects.get(username="animateur")
    latest = Cohort.objects.filter(name__contains=" réf. ", edition__programme__slug="cjs").order_by(
        "-edition__year", "pk"
    )
    cohort = latest.first()
    if cohort is None:
        raise SystemExit("No scale data: run generate_scale_data first.")
    FacilitatorAssignment.objects.get_or_create(user=facilitator, cohort=cohort)
    session = Session.objects.filter(cohort=cohort).order_by("date").first()
    enrolment = (
        CourseEnrolment.objects.filter(user__username__startswith="ref-", completed_at__isnull=True)
        .select_related("user", "course")
        .order_by("pk")
        .first()
    )
    token, _created = Token.objects.get_or_create(user=fabrique)
    staff_cookie = _session_cookie(fabrique)
    facilitator_cookie = _session_cookie(facilitator)
    year = cohort.edition.year
    endpoints: list[dict[str, object]] = [
        {"name": "floor", "kind": "floor", "url": "/bench/floor/"},
        {"name": "home page (anonymous)", "kind": "page", "url": "/"},
        {"name": "CJS directory", "kind": "page", "url": "/trouver-une-cjs/"},
        {"name": "a CJS public page", "kind": "page", "url": _public_cjs_url(cohort)},
        {"name": "coordinator dashboard (national)", "kind": "dashboard", "url": f"/coordinate/?programme=cjs&year={year}",
         "cookie": staff_cookie},
        {"name": "a cohort's page", "kind": "page", "url": f"/facilitate/cohorts/{cohort.pk}/", "cookie": facilitator_cookie},
        {"name": "attendance sheet", "kind": "page", "url": f"/facilitate/sessions/{session.pk}/attendance/" if session else "",
         "cookie": facilitator_cookie},
        {"name": "learner's course page", "kind": "page", "url": enrolment.course.url if enrolment else "",
         "cookie": _session_cookie(enrolment.user) if enrolment else ""},
        {"name": "facilitator's progress table", "kind": "page", "url": f"/learn/cohorts/{cohort.pk}/progress/",
         "cookie": facilitator_cookie},
        {"name": "statistics API", "kind": "api", "url": f"/api/v1/stats/?programme=cjs&edition={year}",
         "authorization": f"Token {token.key}"},
    ]  # fmt: skip
    endpoints.extend(_extra_targets(staff_cookie, token.key, cohort))
    from cms.models import CjsDirectoryPage

    directory = CjsDirectoryPage.objects.live().first()
    if directory is not None:
        endpoints[2]["url"] = directory.url
    for endpoint in endpoints:
        endpoint["target_ratio"] = TARGET_RATIO[str(endpoint["kind"])]
        endpoint["queries"], endpoint["queries_cold_cache"], endpoint["status"] = _count_queries(endpoint)
    return endpoints


def _extra_targets(staff_cookie: str, token: str, cohort: Cohort) -> list[dict[str, object]]:
    """Endpoints of features that may not be installed yet (the evaluation results API)."""
    extra: list[dict[str, object]] = []
    from programmes.models import Questionnaire

    questionnaire = Questionnaire.objects.filter(slug="reference-cjs").first()
    if questionnaire is not None:
        extra.append(
            {
                "name": "evaluation results API",
                "kind": "api",
                "url": f"/api/v1/evaluation/questionnaires/{questionnaire.slug}/results/?wave=T1&programme=cjs",
                "authorization": f"Token {token}",
            }
        )
    return extra


def _count_queries(endpoint: dict[str, object]) -> tuple[int | None, int | None, int | None]:
    """Queries of a request as served (after a first one, as under load) and with an empty cache."""
    url = str(endpoint["url"])
    if not url:
        return None, None, None
    headers: dict[str, str] = {}
    if endpoint.get("cookie"):
        headers["Cookie"] = str(endpoint["cookie"])
    if endpoint.get("authorization"):
        headers["Authorization"] = str(endpoint["authorization"])
    client = Client(HTTP_HOST=HOST, headers=headers)
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(url)
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    return len(warm), len(cold), response.status_code


def pdfs(count: int) -> dict[str, float]:
    try:
        from lms.models import Certificate  # type: ignore[attr-defined]
        from lms.pdf import certificate_pdf  # type: ignore[attr-defined]
    except ImportError:
        return {}
    certificate = Certificate.objects.order_by("pk").first()
    if certificate is None:
        return {}
    started = time.perf_counter()
    for _index in range(count):
        certificate_pdf(certificate)
    elapsed = time.perf_counter() - started
    return {"certificates": count, "seconds": elapsed, "per_second": count / elapsed}


def import_participants(count: int) -> dict[str, float]:
    from programmes.imports import run_import

    cohorts = list(
        Cohort.objects.filter(name__contains=" réf. ", edition__programme__slug="cjs")
        .select_related("edition__programme")
        .order_by("-edition__year", "pk")[: max(1, count // 15)]
    )
    header = (
        "programme,edition,cohort,first_name,last_name,birth_date,gender,status,"
        "guardian_name,guardian_email,guardian_consent_date\n"
    )
    rows = (
        f"cjs,{cohort.edition.year},{cohort.name},Prénom{index},Import{index:05d},"
        f"{2008 - index % 5}-0{1 + index % 9}-1{index % 9},f,enrolled,"
        f"Parent {index},parent{index}@example.org,{cohort.edition.year}-06-01"
        for index in range(count)
        for cohort in [cohorts[index % len(cohorts)]]
    )
    content = (header + "\n".join(rows) + "\n").encode()
    from django.db import transaction

    # Rolled back afterwards, so that a database kept for the next run (--keep) stays as generated.
    with transaction.atomic():
        started = time.perf_counter()
        result = run_import("participants", content)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    errors = getattr(result, "errors", [])
    return {
        "participants": count,
        "seconds": elapsed,
        "errors": len(errors),
        "first_errors": [str(error) for error in errors[:3]],
    }


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "targets":
        print(json.dumps(targets()))
    elif command == "pdfs":
        print(json.dumps(pdfs(int(sys.argv[2]))))
    elif command == "import":
        print(json.dumps(import_participants(int(sys.argv[2]))))
    elif command == "generated":
        print(json.dumps(scale.already_generated()))
    else:
        raise SystemExit(__doc__)
