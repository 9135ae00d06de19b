"""Retention rules: how long personal data are kept, per programme and per purpose (settings).

- Participants' data ("cohort" rule): ESSAIM_RETENTION_YEARS_DEFAULT years after the end of the person's
  last cohort, or the programme's own number (ESSAIM_RETENTION_YEARS_BY_PROGRAMME), and at least
  ESSAIM_RETENTION_YEARS_ESF years when the edition is funded by the European Social Fund (funders'
  evidence). Then the person is anonymised by the erasure service, statistics untouched.
- Other purposes have a number of years of their own (ESSAIM_RETENTION_YEARS_BY_PURPOSE), applied by
  each app's provider (`expire`), e.g. public service requests or contact messages.
- A provider may hold a person longer than their cohorts (`retained_until`), e.g. the certificates of a
  funded training kept for the funders' checks.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.models import Cohort, Edition, Person


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_years() -> int:
    return int(settings.ESSAIM_RETENTION_YEARS_DEFAULT)


def esf_years() -> int:
    return int(settings.ESSAIM_RETENTION_YEARS_ESF)


def programme_years(programme_slug: str) -> int:
    return int(settings.ESSAIM_RETENTION_YEARS_BY_PROGRAMME.get(programme_slug, default_years()))


def purpose_years(key: str) -> int:
    return int(settings.ESSAIM_RETENTION_YEARS_BY_PURPOSE[key])


def connection_log_days() -> int:
    return int(settings.ESSAIM_LMS_CONNECTION_LOG_DAYS)


def edition_years(edition: Edition) -> int:
    """Years participants' data of this edition are kept after their cohort ends."""
    years = programme_years(edition.programme.slug)
    if edition.is_esf_funded:
        years = max(years, esf_years())
    return years


def cohort_end(cohort: Cohort) -> datetime.date:
    """When a cohort ended: its end date, else the last day of its edition's year."""
    return cohort.end_date or datetime.date(cohort.edition.year, 12, 31)


def cohort_expiry_date(cohort: Cohort) -> datetime.date:
    """The first day its participants' data are past their retention."""
    return add_years(cohort_end(cohort), edition_years(cohort.edition)) + datetime.timedelta(days=1)


def expired_cohort_ids(today: datetime.date) -> tuple[set[int], set[int]]:
    """(expired, still kept) cohort ids on `today`."""
    expired: set[int] = set()
    kept: set[int] = set()
    cohorts = Cohort.objects.select_related("edition__programme").only(
        "pk", "end_date", "edition__year", "edition__is_esf_funded", "edition__programme__slug"
    )
    for cohort in cohorts:
        (expired if cohort_expiry_date(cohort) <= today else kept).add(cohort.pk)
    return expired, kept


def person_expiry_date(person: Person) -> datetime.date:
    """When this person's data expire: the latest expiry of their cohorts, or some years after their
    record was created when they never joined one."""
    cohorts = [
        enrolment.cohort for enrolment in person.enrolments.select_related("cohort__edition__programme")
    ]
    if cohorts:
        return max(cohort_expiry_date(cohort) for cohort in cohorts)
    return add_years(person.created_at.date(), default_years()) + datetime.timedelta(days=1)


def expired_people(today: datetime.date) -> QuerySet[Person]:
    """People not yet erased whose every cohort is past retention (or, without a cohort, whose record
    is older than the default retention)."""
    _expired, kept = expired_cohort_ids(today)
    people = Person.objects.filter(erased_at__isnull=True).exclude(enrolments__cohort_id__in=kept)
    without_cohort_before = add_years(today, -default_years())
    return people.exclude(enrolments__isnull=True, created_at__date__gte=without_cohort_before).distinct()


def held_by_providers(person: Person, today: datetime.date) -> bool:
    """Whether an app must still keep the person's data on `today` (Provider.retained_until)."""
    from programmes.privacy import registry

    return any(
        (until := provider.retained_until(person)) is not None and today <= until
        for provider in registry.providers()
    )


@dataclasses.dataclass(frozen=True)
class RetentionRule:
    """A retention rule as the privacy policy and the registry page describe it (in the active language)."""

    key: str
    describe: Callable[[], str]


def _years(count: int) -> str:
    return ngettext("%(count)s year", "%(count)s years", count) % {"count": count}


def _describe_cohort_rule() -> str:
    text = _("%(years)s after the end of the person's last cohort") % {"years": _years(default_years())}
    overrides = sorted(settings.ESSAIM_RETENTION_YEARS_BY_PROGRAMME.items())
    details = [
        _("%(years)s for the %(programme)s programme") % {"years": _years(int(years)), "programme": slug}
        for slug, years in overrides
    ]
    details.append(
        _("at least %(years)s for operations funded by the European Social Fund")
        % {"years": _years(esf_years())}
    )
    return f"{text} ({'; '.join(details)})"


RULES: dict[str, RetentionRule] = {
    "cohort": RetentionRule("cohort", _describe_cohort_rule),
    "account": RetentionRule(
        "account",
        lambda: _("As long as the account is open; anonymised with the person's data"),
    ),
    "invoicing": RetentionRule(
        "invoicing",
        lambda: (
            _("%(years)s after the end of the CJS (accounting records)")
            % {"years": _years(purpose_years("invoicing"))}
        ),
    ),
    "service_requests": RetentionRule(
        "service_requests",
        lambda: (
            _("%(years)s after the request was received")
            % {"years": _years(purpose_years("service_requests"))}
        ),
    ),
    "contact_messages": RetentionRule(
        "contact_messages",
        lambda: (
            _("%(years)s after the message was sent") % {"years": _years(purpose_years("contact_messages"))}
        ),
    ),
    "privacy_requests": RetentionRule(
        "privacy_requests",
        lambda: (
            _("%(years)s after the answer (the proof of it)")
            % {"years": _years(purpose_years("privacy_requests"))}
        ),
    ),
    "image_rights": RetentionRule(
        "image_rights",
        lambda: _("As long as the image rights are not withdrawn; deleted when the person's data are erased"),
    ),
    "funded_training": RetentionRule(
        "funded_training",
        lambda: (
            _(
                "Funded trainings: at least %(years)s after the end of the year the training was "
                "completed (the funders' checks); otherwise with the participant's data"
            )
            % {"years": _years(purpose_years("funded_training"))}
        ),
    ),
    "connection_log": RetentionRule(
        "connection_log",
        lambda: (
            ngettext("%(days)s day after the login", "%(days)s days after the login", connection_log_days())
            % {"days": connection_log_days()}
        ),
    ),
    "outbox": RetentionRule(
        "outbox",
        lambda: (
            ngettext(
                "%(days)s day after the task was handed to the workers",
                "%(days)s days after the task was handed to the workers",
                int(getattr(settings, "ESSAIM_OUTBOX_KEEP_SENT_DAYS", 7)),
            )
            % {"days": int(getattr(settings, "ESSAIM_OUTBOX_KEEP_SENT_DAYS", 7))}
        ),
    ),
    "audit": RetentionRule(
        "audit",
        lambda: _("Kept as the proof of who did what; it names people only by an internal number"),
    ),
}


def describe(rule_key: str) -> str:
    return RULES[rule_key].describe()
