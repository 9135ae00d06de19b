"""The personal-data registry is complete: every model of our apps is classified, every link to a
person or an account is declared, and every model holding a person's data has a provider."""

import dataclasses

from django.apps import apps
from django.core.checks import run_checks
from django.db import models

import pytest

from programmes.models import Enrolment, Person
from programmes.privacy import registry, retention

OUR_APPS = ["programmes", "cjs", "flashcoop", "lms", "cms"]


def our_models() -> list[type[models.Model]]:
    return [model for label in OUR_APPS for model in apps.get_app_config(label).get_models()]


@pytest.mark.parametrize("model", our_models(), ids=lambda model: model._meta.label)
def test_every_model_of_our_apps_is_classified_and_its_links_to_people_declared(model):
    assert registry.registry_problems([model]) == []


@pytest.mark.django_db
def test_every_declaration_names_real_fields_a_known_purpose_and_a_retention_rule():
    purposes = {purpose.key for purpose in registry.purposes()}
    for classification in registry.classifications():
        meta = classification.model._meta
        for name in [*classification.fields, *classification.staff, *classification.sensitive]:
            meta.get_field(name)  # raises FieldDoesNotExist on a typo
        assert set(classification.sensitive) <= set(classification.fields)
        for path in classification.subjects:
            classification.model._default_manager.filter(**{path: 1}).exists()  # raises FieldError on a typo
        if classification.purpose is not None:
            assert classification.purpose in purposes, classification.label
    for purpose in registry.purposes():
        assert purpose.retention in retention.RULES, purpose.key
        assert retention.describe(purpose.retention)


def test_each_app_registers_one_provider_that_exports_and_erases():
    providers = {provider.app_label: provider for provider in registry.providers()}

    assert set(OUR_APPS) <= set(providers)
    assert providers["programmes"] is registry.providers()[-1], "the core renames the person last"
    for provider in providers.values():
        assert isinstance(provider, registry.Provider)


def test_a_missing_declaration_or_provider_is_reported(monkeypatch):
    monkeypatch.delitem(registry._classifications, Person)
    monkeypatch.setattr(registry, "_providers", [p for p in registry._providers if p.app_label != "cjs"])

    problems = registry.registry_problems(our_models())

    assert "programmes.Person: not classified (declare it in its app's privacy.py)" in problems
    assert "cjs.WorkLog: holds data about people but no provider exports and erases it" in problems


def test_an_undeclared_link_to_a_person_is_reported(monkeypatch):
    classification = registry.classification(Enrolment)
    monkeypatch.setitem(
        registry._classifications, Enrolment, dataclasses.replace(classification, subjects=())
    )

    assert registry.registry_problems([Enrolment]) == [
        "programmes.Enrolment: say whether person point to a data subject or staff"
    ]


def test_the_registry_is_checked_by_django_system_checks(monkeypatch):
    monkeypatch.delitem(registry._classifications, Person)

    messages = [message for message in run_checks() if message.id == "essaim.W001"]

    assert any("programmes.Person: not classified" in message.msg for message in messages)
