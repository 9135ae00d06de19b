"""The personal-data registry: what each model holds about people, why, for how long, and which
provider exports and erases it.

Every model of our apps is declared here, from its app's `privacy.py` (imported by the app's
`AppConfig.ready()`): `classify(...)` when it holds personal data, `not_personal(...)` otherwise.
`tests/programmes/test_privacy_registry.py` walks every installed model and fails on a model nobody
declared, on a link to a person or an account that no declaration names, and on a person's data that no
provider exports and erases. The privacy policy page, the subject-access export and the retention task
all read this registry, so none of them drifts from the code.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

from django.db.models import Model, Q, QuerySet
from django.utils.functional import Promise

Text = str | Promise


@dataclasses.dataclass(frozen=True)
class Purpose:
    """Finalité: why personal data are processed, on which legal basis, and the retention rule."""

    key: str
    label: Text
    description: Text
    legal_basis: Text
    # A key of programmes.privacy.retention.RULES.
    retention: str


@dataclasses.dataclass(frozen=True)
class Classification:
    """What one model holds about people.

    `subjects` are ORM paths from the model to the Person the rows are about ("person",
    "enrolment__person", "user__person", "pk" for Person itself); `staff` names the relations to the
    accounts of staff who wrote the row (anonymised with the account, nothing else to do); `fields` the
    personal fields; `sensitive` those of a special category (GDPR art. 9), recorded only with consent.
    """

    model: type[Model]
    purpose: str | None
    fields: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()
    note: Text = ""

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def is_personal(self) -> bool:
        return self.purpose is not None

    def rows_about(self, person_id: int) -> QuerySet[Any]:
        """The rows of this model about one person (empty when no subject path is declared)."""
        manager = self.model._default_manager
        if not self.subjects:
            return manager.none()
        condition = Q()
        for path in self.subjects:
            condition |= Q(**{path: person_id})
        return manager.filter(condition).distinct()


@runtime_checkable
class Provider(Protocol):
    """Exports and erases one person's data in one app. `models` are the models it answers for."""

    @property
    def app_label(self) -> str: ...

    @property
    def label(self) -> Text: ...

    @property
    def models(self) -> tuple[type[Model], ...]: ...

    def export(self, person: Any) -> dict[str, list[dict[str, Any]]]:
        """Model label → the person's rows, as JSON-ready dicts keyed by field name."""
        ...

    def erase(self, person: Any) -> None:
        """Anonymise the person's data in this app, keeping what statistics count. Idempotent."""
        ...

    def attachments(self, person: Any) -> list[tuple[str, bytes]]:
        """Files about the person to put in the export (name in the ZIP, content)."""
        ...

    def expire(self, today: datetime.date) -> dict[str, int]:
        """Apply this app's own retention rules (data not tied to a Person); counts of what changed."""
        ...

    def retained_until(self, person: Any) -> datetime.date | None:
        """The last day this app must still keep the person's data (a legal term longer than their
        cohorts', e.g. funders' evidence), or None: the retention task does not erase them before."""
        ...


_purposes: dict[str, Purpose] = {}
_classifications: dict[type[Model], Classification] = {}
_providers: list[Provider] = []


def register_purpose(purpose: Purpose) -> Purpose:
    _purposes[purpose.key] = purpose
    return purpose


def classify(
    model: type[Model],
    *,
    purpose: str,
    fields: Iterable[str] = (),
    subjects: Iterable[str] = (),
    staff: Iterable[str] = (),
    sensitive: Iterable[str] = (),
    note: Text = "",
) -> Classification:
    """Declare that `model` holds personal data (`fields`) for `purpose`."""
    classification = Classification(
        model=model,
        purpose=purpose,
        fields=tuple(fields),
        subjects=tuple(subjects),
        staff=tuple(staff),
        sensitive=tuple(sensitive),
        note=note,
    )
    _classifications[model] = classification
    return classification


def not_personal(model: type[Model], *, staff: Iterable[str] = (), note: Text = "") -> Classification:
    """Declare that `model` holds no personal data (`staff`: links to the accounts that wrote it)."""
    classification = Classification(model=model, purpose=None, staff=tuple(staff), note=note)
    _classifications[model] = classification
    return classification


def register_provider(provider: Provider) -> Provider:
    """Add an app's provider (once: registering the same app again replaces it)."""
    _providers[:] = [existing for existing in _providers if existing.app_label != provider.app_label]
    _providers.append(provider)
    return provider


def purposes() -> list[Purpose]:
    return list(_purposes.values())


def purpose(key: str) -> Purpose:
    return _purposes[key]


def classification(model: type[Model]) -> Classification | None:
    return _classifications.get(model)


def classifications() -> list[Classification]:
    return list(_classifications.values())


def providers() -> list[Provider]:
    """Providers in erasure order: the apps first, the core (which renames the person) last."""
    return sorted(_providers, key=lambda provider: provider.app_label == "programmes")


def provider_for(model: type[Model]) -> Provider | None:
    return next((provider for provider in _providers if model in provider.models), None)


class BaseProvider:
    """Defaults for providers: no attachments, no retention of their own."""

    app_label: str = ""
    label: Text = ""
    models: tuple[type[Model], ...] = ()

    def attachments(self, person: Any) -> list[tuple[str, bytes]]:
        return []

    def expire(self, today: datetime.date) -> dict[str, int]:
        return {}

    def retained_until(self, person: Any) -> datetime.date | None:
        return None


def people_models() -> set[type[Model]]:
    """Models whose rows are people or stand for one (an enrolment is a person in a cohort)."""
    from programmes.models import Enrolment, Person, User

    return {Person, User, Enrolment}


def links_to_people(model: type[Model]) -> set[str]:
    """The model's own relations (not those inherited from a parent page) to a person, an account or
    an enrolment."""
    people = people_models()
    fields = [*model._meta.local_fields, *model._meta.local_many_to_many]
    return {field.name for field in fields if field.is_relation and field.related_model in people}


def registry_problems(models: Iterable[type[Model]]) -> list[str]:
    """What is missing from the registry for these models (empty when complete)."""
    problems = []
    for model in models:
        label = model._meta.label
        declared = _classifications.get(model)
        if declared is None:
            problems.append(f"{label}: not classified (declare it in its app's privacy.py)")
            continue
        links = {path.split("__")[0] for path in declared.subjects} | set(declared.staff)
        undeclared = sorted(links_to_people(model) - links)
        if undeclared:
            problems.append(f"{label}: say whether {', '.join(undeclared)} point to a data subject or staff")
        if declared.subjects and not declared.is_personal:
            problems.append(f"{label}: holds data about people, give its purpose")
        if declared.subjects and provider_for(model) is None:
            problems.append(f"{label}: holds data about people but no provider exports and erases it")
        if declared.purpose is not None and declared.purpose not in _purposes:
            problems.append(f"{label}: unknown purpose {declared.purpose}")
    return problems
