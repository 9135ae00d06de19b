"""Subject access: one person's data from every provider, as JSON and as a readable page, in one ZIP."""

import datetime
import decimal
import io
import json
import uuid
import zipfile
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from programmes.models import Person
from programmes.privacy import registry, retention

FORMAT = "essaim-subject-access/1"


def json_value(value: Any) -> Any:
    """A value JSON can hold: dates in ISO 8601, decimals as strings (DESIGN §5)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    return value


def export_row(obj: models.Model, fields: Iterable[str], **extra: Any) -> dict[str, Any]:
    """One row: each field's value (related rows by their name), and `extra` computed values."""
    row: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            value: Any = [str(item) for item in getattr(obj, name).all()]
        elif field.is_relation:
            related = getattr(obj, name)
            value = None if related is None else str(related)
        else:
            value = field.value_from_object(obj)  # type: ignore[union-attr]
        row[name] = json_value(value)
    row.update({key: json_value(value) for key, value in extra.items()})
    return row


def export_rows(
    queryset: Iterable[models.Model], fields: Iterable[str], **extra: Any
) -> list[dict[str, Any]]:
    fields = list(fields)
    return [export_row(obj, fields, **extra) for obj in queryset]


def build_export(person: Person) -> dict[str, Any]:
    """Everything the providers hold about `person`, per app."""
    sections = []
    for provider in registry.providers():
        data = provider.export(person)
        sections.append({"app": provider.app_label, "label": str(provider.label), "data": data})
    # The core's section first: who the export is about.
    sections.sort(key=lambda section: section["app"] != "programmes")
    return {
        "format": FORMAT,
        "generated_at": json_value(timezone.now()),
        "person_id": person.pk,
        "sections": sections,
        "purposes": [
            {
                "key": purpose.key,
                "label": str(purpose.label),
                "legal_basis": str(purpose.legal_basis),
                "retention": retention.describe(purpose.retention),
            }
            for purpose in registry.purposes()
        ],
    }


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _display(field: Any, value: Any) -> str:
    """A value as a person reads it: choice labels, yes/no, French dates."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(_display(None, item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField):
        return str(formats.date_format(datetime.datetime.fromisoformat(value), "SHORT_DATETIME_FORMAT"))
    if isinstance(field, models.DateField):
        return str(formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT"))
    return str(value)


def _title(label: str) -> str:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    return str(capfirst(model._meta.verbose_name_plural))


def readable_sections(export: dict[str, Any]) -> list[dict[str, Any]]:
    """The export as titled tables with French headers and values, for the HTML page."""
    sections = []
    for section in export["sections"]:
        tables = []
        for label, rows in section["data"].items():
            if not rows:
                continue
            try:
                model: type[models.Model] | None = apps.get_model(label)
            except (LookupError, ValueError):
                model = None
            names = list(dict.fromkeys(name for row in rows for name in row))
            fields = [_field(model, name) for name in names]
            headers = [
                str(capfirst(field.verbose_name))
                if field is not None and hasattr(field, "verbose_name")
                else name
                for field, name in zip(fields, names, strict=True)
            ]
            body = [
                [_display(field, row.get(name)) for field, name in zip(fields, names, strict=True)]
                for row in rows
            ]
            tables.append({"title": _title(label), "headers": headers, "rows": body})
        sections.append({"label": section["label"], "tables": tables})
    return sections


def render_html(export: dict[str, Any], person: Person) -> str:
    """The readable page of the export, in the site's language (French)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "programmes/privacy/export.html",
            {
                "person": person,
                "export": export,
                "sections": readable_sections(export),
                "purposes": export["purposes"],
                "generated_at": timezone.localtime(),
            },
        )


def zip_name(person: Person) -> str:
    return f"donnees-personnelles-{person.pk}.zip"


def build_zip(person: Person) -> bytes:
    """donnees.json (machine-readable, for portability), donnees.html (to read) and the person's files."""
    with translation.override(settings.LANGUAGE_CODE):
        export = build_export(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(export, ensure_ascii=False, indent=2))
        archive.writestr("donnees.html", render_html(export, person))
        seen: set[str] = set()
        for provider in registry.providers():
            for name, content in provider.attachments(person):
                stem, dot, extension = name.rpartition(".")
                safe = f"{slugify(stem or name)}{dot}{extension if stem else ''}"
                candidate, number = safe, 1
                while candidate in seen:
                    number += 1
                    candidate = f"{number}-{safe}"
                seen.add(candidate)
                archive.writestr(f"fichiers/{candidate}", content)
    return buffer.getvalue()
