"""The demo data shows the self-assessment at work: the learner's progress and both sides of the
disclosure rule in the coordinator's group results."""

from django.core.management import call_command
from django.utils import timezone

import pytest

from lms import selectors
from lms.models import DigitalSkillsAssessment
from programmes.models import Programme, User

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_learner_two_assessments_showing_progress_and_groups_on_both_sides():
    call_command("seed_demo", "--quiet", "--force")
    count = DigitalSkillsAssessment.objects.count()
    call_command("seed_demo", "--quiet", "--force")

    assert DigitalSkillsAssessment.objects.count() == count
    latest, previous = selectors.my_digital_skills_assessments(User.objects.get(username="jeune"))
    assert (latest.assessment.submitted_at - previous.assessment.submitted_at).days >= 90
    assert latest.average > previous.average
    rose = [area for area, value in latest.area_averages.items() if value > previous.area_averages[area]]
    assert len(rose) >= 4

    results = selectors.digital_skills_aggregates(
        User.objects.get(username="coordinatrice"),
        programme=Programme.objects.get(slug="cjs"),
        year=timezone.localdate().year,
    )
    cohorts = {group.name: group for group in results.groups if group.kind == "cohort"}
    assert cohorts["CJS Rennes Maurepas"].is_disclosed and cohorts["CJS Rennes Maurepas"].respondents >= 11
    assert not cohorts["CJS Nantes Bellevue"].is_disclosed  # the learner's cohort: 6 respondents
    assert results.group(f"edition-{timezone.localdate().year}").is_disclosed
    assert not User.objects.filter(username__startswith="membre", password__startswith="pbkdf2").exists()
