from django.core.management import call_command
from django.db.models import Count

import pytest

from programmes.evaluation import selectors
from programmes.models import Answer, Campaign, Invitation, Questionnaire, Response, User

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Questionnaire, Campaign, Invitation, Response, Answer))


def test_the_demo_evaluation_is_plausible_and_idempotent():
    call_command("seed_demo", "--quiet", "--force")
    first = _counts()
    call_command("seed_demo", "--quiet", "--force")

    assert _counts() == first
    assert set(Questionnaire.objects.values_list("slug", "status")) == {
        ("cjs-parcours", "published"),
        ("flashcoop-suivi-6-mois", "published"),
    }
    cjs_2018 = Campaign.objects.get(edition__programme__slug="cjs", edition__year=2018)
    assert cjs_2018.cohorts.count() == 54
    per_cohort = list(
        Response.objects.filter(campaign=cjs_2018, wave="T1", submitted_at__isnull=False)
        .values("cohort")
        .annotate(count=Count("pk"))
        .values_list("count", flat=True)
    )
    assert any(count >= 11 for count in per_cohort) and any(count < 11 for count in per_cohort)
    t1 = Answer.objects.filter(response__campaign=cjs_2018, response__wave="T1")
    assert t1.filter(is_retrospective=True, item__scale="estime_de_soi").exists()
    assert t1.filter(is_no_opinion=True).exists()
    assert t1.filter(item__kind="ranking", is_no_opinion=False).first().option_codes
    paired = Response.objects.filter(campaign=cjs_2018, wave="T0", person__evaluation_responses__wave="T1")
    assert paired.count() > 300
    assert Response.objects.filter(campaign__edition__programme__slug="flashcoop", wave="M6").count() > 10
    assert list(selectors.open_invitations(User.objects.get(username="jeune")))
