"""Reads of the public site: published figures under the disclosure rules, the CJS directory, news."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cms.models.photos import PhotoSubject
from programmes.disclosure import (
    Rules,
    disclosed_count,
    publishable_share,
)
from programmes.models import Cohort, Commune, Department, Edition, Partnership, Person, Programme, Region
from programmes.privacy.consents import people_with_image_rights
from programmes.statistics import edition_statistics
from programmes.text import normalise

CJS_SLUG = "cjs"


@dataclass(frozen=True)
class Figure:
    """One published figure: its display value is already under the disclosure rules."""

    key: str
    value: str
    label: str | Promise


@dataclass(frozen=True)
class EditionFigures:
    programme: Programme
    year: int
    figures: list[Figure]


def disclosed_share(share: float | None, *, base: int) -> str | None:
    """A share of people, or None when the disclosure rules hide it (small base, 0 % or 100 % of a small
    group)."""
    published = publishable_share(share, base=base, rules=Rules.from_settings())
    if published is None:
        return None
    return f"{round(published * 100)} %"


def current_edition(programme_slug: str) -> Edition | None:
    """The latest edition of a programme that has cohorts still on (not cancelled)."""
    return (
        Edition.objects.filter(programme__slug=programme_slug)
        .annotate(live_cohorts=Count("cohorts", filter=~Q(cohorts__status="cancelled")))
        .filter(live_cohorts__gt=0)
        .select_related("programme")
        .order_by("-year")
        .first()
    )


def programme_figures(*, programme_slug: str, edition_year: int | None = None) -> EditionFigures | None:
    """The public key figures of one edition (the latest with cohorts when no year is given)."""
    if edition_year is None:
        edition = current_edition(programme_slug)
    else:
        edition = (
            Edition.objects.filter(programme__slug=programme_slug, year=edition_year)
            .select_related("programme")
            .first()
        )
    if edition is None:
        return None
    stats = edition_statistics(programme=edition.programme, edition_year=edition.year)
    return EditionFigures(programme=edition.programme, year=edition.year, figures=public_figures(stats))


def public_figures(stats: dict[str, Any]) -> list[Figure]:
    """The figures of `edition_statistics` that the public site shows, person counts under the rules."""
    participants = int(stats["participants"])
    figures = [
        Figure("cohorts", str(number_format(stats["cohorts"], force_grouping=True)), _("cooperatives")),
        Figure("regions", str(stats["regions"]), _("regions")),
        Figure("communes", str(stats["communes"]), _("communes")),
        Figure(
            "local_partners",
            str(number_format(stats["local_partners"], force_grouping=True)),
            _("local partners"),
        ),
        Figure("participants", disclosed_count(participants), _("participants")),
    ]
    girls = disclosed_share(stats["girls_share"], base=participants)
    if girls is not None:
        figures.append(Figure("girls_share", girls, _("girls and women")))
    return figures


# The CJS directory


@dataclass(frozen=True)
class DirectoryFilters:
    """What a visitor asked the directory for (all optional)."""

    region: Region | None = None
    department: Department | None = None
    query: str = ""


def directory_regions(edition: Edition) -> QuerySet[Region]:
    """The regions where the edition has cohorts, for the region filter."""
    return (
        Region.objects.filter(departments__cohorts__edition=edition)
        .exclude(departments__cohorts__status="cancelled")
        .distinct()
        .order_by("name")
    )


def directory_departments(edition: Edition) -> QuerySet[Department]:
    """The departments where the edition has cohorts, for the department filter."""
    return (
        Department.objects.filter(cohorts__edition=edition)
        .exclude(cohorts__status="cancelled")
        .select_related("region")
        .distinct()
        .order_by("code")
    )


def matching_commune_ids(*, edition: Edition, query: str) -> list[int]:
    """Communes of the edition whose name (ignoring case, accents, hyphens) or a postcode matches."""
    compact = query.replace(" ", "")
    needle = normalise(query)
    communes = (
        Commune.objects.filter(cohorts__edition=edition).distinct().values_list("pk", "name", "postcodes")
    )
    if compact.isdigit():
        return [
            pk
            for pk, _name, postcodes in communes
            if any(code.startswith(compact) for code in postcodes.split())
        ]
    return [pk for pk, name, _postcodes in communes if needle and needle in normalise(name)]


def directory_cohorts(*, edition: Edition, filters: DirectoryFilters) -> QuerySet[Cohort]:
    """The cohorts the directory lists: the edition's, not cancelled, narrowed by the visitor's filters."""
    cohorts = (
        Cohort.objects.not_cancelled()
        .filter(edition=edition)
        .select_related("commune", "department__region", "host", "edition__programme")
        .order_by("department__code", "commune__name", "name")
    )
    if filters.region is not None:
        cohorts = cohorts.filter(department__region=filters.region)
    if filters.department is not None:
        cohorts = cohorts.filter(department=filters.department)
    if filters.query.strip():
        cohorts = cohorts.filter(commune_id__in=matching_commune_ids(edition=edition, query=filters.query))
    return cohorts


def public_cjs_cohorts() -> QuerySet[Cohort]:
    """Every CJS that has a public page: not cancelled, whatever its edition."""
    return (
        Cohort.objects.not_cancelled()
        .filter(edition__programme__slug=CJS_SLUG)
        .select_related("commune", "department__region", "host", "edition__programme")
        .order_by("-edition__year", "name")
    )


def public_partnerships(cohort: Cohort) -> QuerySet[Partnership]:
    """The organisations of a cohort's local committee (organisations only: no contact person)."""
    return (
        Partnership.objects.filter(cohort=cohort)
        .select_related("organisation")
        .order_by("role", "organisation__name")
    )


# Photos of people on the public site


def withheld_image_ids(image_ids: list[int]) -> set[int]:
    """Images showing someone without image rights today (never given, withdrawn, or erased): the public
    site neither publishes nor shows them."""
    allowed = people_with_image_rights(timezone.localdate())
    return set(
        PhotoSubject.objects.filter(image_id__in=image_ids)
        .exclude(person__in=allowed)
        .values_list("image_id", flat=True)
    )


def people_without_image_rights(image_id: int) -> list[Person]:
    """Who an image shows without image rights today (for the editor's error message)."""
    allowed = people_with_image_rights(timezone.localdate())
    return list(
        Person.objects.filter(photos__image_id=image_id).exclude(pk__in=allowed.values("pk")).order_by("pk")
    )
