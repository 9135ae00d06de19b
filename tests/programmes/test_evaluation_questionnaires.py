import json

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

import pytest

from programmes.choices import QuestionnaireStatus
from programmes.evaluation import questionnaire_json, selectors, services
from programmes.evaluation.questionnaire_json import QuestionnaireFormatError
from programmes.models import Item, Option, Questionnaire
from programmes.models.evaluation import PublishedQuestionnaireError
from tests.programmes import evaluation_factories as ef
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _errors(data):
    with pytest.raises(QuestionnaireFormatError) as raised:
        questionnaire_json.parse(data)
    return raised.value.errors


def test_a_questionnaire_round_trips_through_its_json_format(tmp_path):
    path = tmp_path / "journey.json"
    path.write_text(json.dumps(ef.SPEC), encoding="utf-8")

    call_command("import_questionnaire", str(path), "--publish")
    exported = tmp_path / "exported.json"
    call_command("export_questionnaire", "journey", "--output", str(exported))

    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert questionnaire_json.parse(data) == questionnaire_json.parse(ef.SPEC)
    likert = data["items"][1]
    assert (likert["scale"], likert["reversed"], likert["retrospective"]) == ("self_esteem", True, True)
    assert [option["code"] for option in likert["options"]] == ["a1", "a2", "a3", "a4"]
    assert data["items"][2] == {
        "code": "first_job",
        "text": "Is it your first paid job?",
        "type": "yesno",
        "options": [],
        "allow_no_opinion": False,
        "required": False,
        "scale": "",
        "reversed": False,
        "retrospective": False,
    }
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.is_published
    assert list(questionnaire.items.values_list("code", flat=True)) == [
        item["code"] for item in ef.SPEC["items"]
    ]


def test_the_minimal_format_of_the_issue_is_enough():
    minimal = {
        "slug": "mini",
        "title": "Mini",
        "items": [
            {
                "code": "q1",
                "text": "Agree?",
                "type": "likert",
                "options": [*ef.AGREE[:4], {"code": "a5", "label": "Fully"}],
                "allow_no_opinion": True,
            }
        ],
    }

    outcome = services.import_questionnaire(data=minimal)

    assert outcome.action == "created"
    assert outcome.questionnaire.status == QuestionnaireStatus.DRAFT
    item = outcome.questionnaire.items.get()
    assert (item.kind, item.allow_no_opinion, item.options.count()) == ("likert", True, 5)


def test_the_export_view_gives_the_same_json_to_coordinators(client, roles):
    questionnaire = ef.questionnaire()
    client.force_login(UserFactory(role="coordinator"))

    response = client.get(reverse("evaluation:questionnaire_export", args=[questionnaire.pk]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert questionnaire_json.parse(json.loads(response.content)) == questionnaire_json.parse(ef.SPEC)


def test_learners_cannot_export_a_questionnaire(client, roles):
    questionnaire = ef.questionnaire()
    client.force_login(UserFactory(role="learner"))

    assert client.get(reverse("evaluation:questionnaire_export", args=[questionnaire.pk])).status_code == 403


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"type": "slider"}, "items[0].type: unknown type “slider”"),
        ({"options": ef.AGREE[:3]}, "items[0].options: a Likert item has 4 or 5 labelled points, not 3"),
        ({"code": "nsp"}, "items[0].code: “nsp” is reserved"),
        (
            {"options": [*ef.AGREE[:3], {"code": "nsp", "label": "No opinion"}]},
            "items[0].options[3].code: “nsp”",
        ),
        (
            {"options": [*ef.AGREE[:3], {"code": "a1", "label": "Again"}]},
            "items[0].options[3].code: “a1” is already",
        ),
        ({"allow_no_opinion": "yes"}, "items[0].allow_no_opinion: must be true or false"),
        ({"colour": "red"}, "items[0]: unknown keys colour"),
        ({"text": ""}, "items[0].text: required"),
        ({"code": "with space"}, "items[0].code: “with space”: use letters, digits"),
    ],
)
def test_an_invalid_item_is_refused_with_where_and_why(change, expected):
    data = ef.spec()
    data["items"][0].update(change)

    errors = _errors(data)

    assert any(error.startswith(expected) for error in errors), errors


def test_every_problem_is_reported_at_once_and_nothing_is_imported(tmp_path):
    data = ef.spec()
    data["items"][1]["code"] = "se1"
    data["items"][2]["options"] = [{"code": "x", "label": "X"}]
    data["items"][3]["scale"] = "oops"
    data["items"][0]["options"] = [*ef.AGREE, {"code": "a5", "label": "Five"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command("import_questionnaire", str(path))

    message = str(raised.value)
    assert "items[1].code: “se1” is already the code of items[0]" in message
    assert "items[2].options: a yesno item has no options" in message
    assert "items[3].scale: only Likert items belong to a scale" in message
    assert (
        "items[1].options: the items of scale “self_esteem” need the same number of points as items[0]"
        in message
    )
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], "A questionnaire is a JSON object"),
        ({"slug": "x", "title": "X", "items": []}, "items: a non-empty list of items is required"),
        ({"title": "X", "items": ef.SPEC["items"]}, "slug: required"),
        (
            {"slug": "x", "title": "X", "items": ef.SPEC["items"], "disclosure_threshold": 3},
            "disclosure_threshold: only surveys of organisations",
        ),
    ],
)
def test_an_invalid_questionnaire_is_refused(data, expected):
    assert any(error.startswith(expected) for error in _errors(data))


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(CommandError, match="is not valid JSON"):
        call_command("import_questionnaire", str(path))


def test_organisations_may_lower_the_threshold_people_may_not(settings):
    settings.ESSAIM_DISCLOSURE_THRESHOLD = 11
    organisations = ef.questionnaire(
        ef.spec(slug="partners", subject="organisations", disclosure_threshold=3)
    )
    people = ef.questionnaire(ef.spec(slug="people"))

    assert (organisations.effective_threshold, people.effective_threshold) == (3, 11)
    people_with_threshold = Questionnaire(slug="p2", title="P", subject="people", disclosure_threshold=3)
    with pytest.raises(ValidationError):
        people_with_threshold.full_clean()


def test_importing_the_same_content_again_changes_nothing():
    first = services.import_questionnaire(data=ef.spec(), publish=True)

    again = services.import_questionnaire(data=ef.spec(), publish=True)

    assert again.action == "unchanged"
    assert again.questionnaire.pk == first.questionnaire.pk
    assert Questionnaire.objects.count() == 1


def test_new_content_on_a_published_questionnaire_makes_a_new_version():
    first = ef.questionnaire()
    changed = ef.spec(title="My journey, revised")
    changed["items"][0]["text"] = "I think I have some value."

    outcome = services.import_questionnaire(data=changed)

    assert outcome.action == "new_version"
    assert (outcome.questionnaire.version, outcome.questionnaire.status) == (2, QuestionnaireStatus.DRAFT)
    first.refresh_from_db()
    assert first.title == "My journey"
    assert first.items.get(code="se1").text == "I think I have value."


def test_new_content_on_a_draft_rewrites_the_draft():
    draft = ef.questionnaire(publish=False)
    changed = ef.spec()
    changed["items"] = changed["items"][:2]

    outcome = services.import_questionnaire(data=changed)

    assert outcome.action == "updated"
    assert outcome.questionnaire.pk == draft.pk
    assert list(draft.items.values_list("code", flat=True)) == ["se1", "se2"]


def test_a_published_questionnaire_its_items_and_options_never_change():
    questionnaire = ef.questionnaire()
    item = questionnaire.items.first()
    option = item.options.first()

    questionnaire.title = "Changed"
    with pytest.raises(PublishedQuestionnaireError):
        questionnaire.save()
    item.text = "Changed"
    with pytest.raises(PublishedQuestionnaireError):
        item.save()
    option.label = "Changed"
    with pytest.raises(PublishedQuestionnaireError):
        option.save()
    with pytest.raises(PublishedQuestionnaireError):
        Item.objects.create(questionnaire=questionnaire, code="new", text="New", kind="text", sort_order=99)
    with pytest.raises(PublishedQuestionnaireError):
        option.delete()
    with pytest.raises(PublishedQuestionnaireError):
        questionnaire.delete()
    assert Option.objects.filter(label="Changed").count() == 0


def test_new_version_copies_the_latest_as_a_draft_once():
    published = ef.questionnaire()

    draft = services.new_version(questionnaire=published)
    again = services.new_version(questionnaire=published)

    assert again.pk == draft.pk
    assert (draft.slug, draft.version, draft.is_published) == ("journey", 2, False)
    assert questionnaire_json.spec_of(
        selectors.questionnaire_with_items(draft.pk)
    ) == questionnaire_json.parse(ef.SPEC)
    draft.title = "Editable"
    draft.save()
    services.publish_questionnaire(questionnaire=draft)
    assert list(Questionnaire.objects.order_by("version").values_list("version", "status")) == [
        (1, "published"),
        (2, "published"),
    ]


def test_publishing_checks_the_content_like_an_import():
    draft = ef.questionnaire(publish=False)
    item = draft.items.get(code="se1")
    item.options.first().delete()

    with pytest.raises(ValidationError, match="4 or 5 labelled points"):
        services.publish_questionnaire(questionnaire=draft)

    draft.refresh_from_db()
    assert not draft.is_published


# --- Admin --------------------------------------------------------------------------------------------


def _admin_form_data(**overrides):
    data = {
        "slug": "admin-built",
        "title": "Built in the admin",
        "description": "",
        "subject": "people",
        "disclosure_threshold": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-code": "q1",
        "items-0-text": "Agree?",
        "items-0-kind": "likert",
        "items-0-scale": "",
        "items-0-ORDER": "1",
        "items-0-options-TOTAL_FORMS": "4",
        "items-0-options-INITIAL_FORMS": "0",
        "items-0-options-MIN_NUM_FORMS": "0",
        "items-0-options-MAX_NUM_FORMS": "1000",
    }
    for index in range(4):
        data[f"items-0-options-{index}-code"] = f"p{index + 1}"
        data[f"items-0-options-{index}-label"] = f"Point {index + 1}"
        data[f"items-0-options-{index}-ORDER"] = str(index + 1)
    data.update(overrides)
    return data


def test_the_national_team_builds_a_questionnaire_in_the_admin(client, roles):
    client.force_login(UserFactory(role="fabrique"))

    response = client.post(reverse("evaluation_questionnaires:add"), _admin_form_data())

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    questionnaire = Questionnaire.objects.get(slug="admin-built")
    assert [option.code for option in questionnaire.items.get().options.all()] == ["p1", "p2", "p3", "p4"]
    assert not questionnaire.is_published


def test_the_admin_refuses_a_likert_item_with_three_points(client, roles):
    client.force_login(UserFactory(role="fabrique"))
    data = _admin_form_data(**{"items-0-options-TOTAL_FORMS": "3"})

    response = client.post(reverse("evaluation_questionnaires:add"), data)

    assert response.status_code == 200
    assert "a Likert item has 4 or 5 labelled points, not 3" in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_editing_a_published_questionnaire_in_the_admin_makes_a_new_version(client, roles):
    published = ef.questionnaire()
    client.force_login(UserFactory(role="fabrique"))

    response = client.get(reverse("evaluation_questionnaires:edit", args=[published.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation_questionnaires:new_version", args=[published.pk])
    response = client.post(response["Location"])

    draft = Questionnaire.objects.get(version=2)
    assert response["Location"] == reverse("evaluation_questionnaires:edit", args=[draft.pk])
    assert client.get(response["Location"]).status_code == 200
    published.refresh_from_db()
    assert published.is_published


def test_the_admin_publishes_a_draft_and_lists_the_versions(client, roles):
    draft = ef.questionnaire(publish=False)
    client.force_login(UserFactory(role="fabrique"))

    assert client.get(reverse("evaluation_questionnaires:publish", args=[draft.pk])).status_code == 200
    client.post(reverse("evaluation_questionnaires:publish", args=[draft.pk]))

    draft.refresh_from_db()
    assert draft.is_published
    listing = client.get(reverse("evaluation_questionnaires:index"))
    assert listing.status_code == 200
    assert "My journey" in listing.content.decode()


def test_coordinators_cannot_publish_or_version_questionnaires(client, roles):
    draft = ef.questionnaire(publish=False)
    client.force_login(UserFactory(role="coordinator"))

    assert client.post(reverse("evaluation_questionnaires:publish", args=[draft.pk])).status_code in (
        302,
        403,
    )
    draft.refresh_from_db()
    assert not draft.is_published
