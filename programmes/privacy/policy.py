"""The privacy policy's generated part: purposes, data, legal bases and retention, read from the
registry and the settings so the public page never drifts from the code."""

import dataclasses

from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from programmes.privacy import registry, retention


@dataclasses.dataclass(frozen=True)
class PolicyPurpose:
    key: str
    label: str
    description: str
    legal_basis: str
    retention: str
    data: list[str]
    sensitive: list[str]


def _field_label(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def policy_purposes() -> list[PolicyPurpose]:
    """Each purpose with the categories of data it covers (model: fields), in the active language."""
    by_purpose: dict[str, list[registry.Classification]] = {}
    for classification in registry.classifications():
        if classification.purpose is not None:
            by_purpose.setdefault(classification.purpose, []).append(classification)
    result = []
    for purpose in registry.purposes():
        declared = sorted(
            by_purpose.get(purpose.key, []), key=lambda item: str(item.model._meta.verbose_name)
        )
        data = []
        sensitive = []
        for classification in declared:
            meta = classification.model._meta
            fields = [_field_label(classification.model, name) for name in classification.fields]
            text = str(capfirst(meta.verbose_name_plural))
            if fields:
                text += f" ({', '.join(fields)})"
            data.append(text)
            sensitive += [_field_label(classification.model, name) for name in classification.sensitive]
        result.append(
            PolicyPurpose(
                key=purpose.key,
                label=str(purpose.label),
                description=str(purpose.description),
                legal_basis=str(purpose.legal_basis),
                retention=retention.describe(purpose.retention),
                data=data,
                sensitive=sensitive,
            )
        )
    return result


def rights() -> list[str]:
    """The rights people have, as the policy lists them."""
    return [
        _("Access: get a copy of all your data, as a file to read and a file to reuse, within one month."),
        _("Rectification: have wrong or incomplete data corrected."),
        _(
            "Erasure: have your data erased; the anonymous figures already published stay as they are, "
            "and evidence the law requires us to keep is kept until its term."
        ),
        _("Objection and withdrawal of consent: at any time, without affecting what was done before."),
        _("For a minor, a parent or legal guardian exercises these rights."),
        _("Complaint: you may lodge a complaint with the CNIL (www.cnil.fr)."),
    ]
