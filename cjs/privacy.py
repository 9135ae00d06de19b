"""Personal data of the CJS app (registry in programmes.privacy): members' hours, shares, votes and
meetings; clients on quotes and invoices; requests from the public site."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cjs.choices import ClientKind
from cjs.models import (
    Client,
    Committee,
    Contract,
    Decision,
    DistributionShare,
    Expense,
    HostLegalDetails,
    InvoiceSequence,
    Meeting,
    ServiceRequest,
    SurplusDistribution,
    Vote,
    WorkLog,
)
from programmes.models import Cohort, Person
from programmes.privacy import anonymise, retention
from programmes.privacy.export import export_row, export_rows
from programmes.privacy.registry import (
    BaseProvider,
    Purpose,
    classify,
    not_personal,
    register_provider,
    register_purpose,
)

ANONYMOUS_CLIENT = "Client anonymisé"


def declare() -> None:
    register_purpose(
        Purpose(
            "cooperative_life",
            _("Cooperative life of a CJS"),
            _("Members' hours worked, surplus shares, committees, meetings and votes."),
            _("Performance of the cooperative's rules"),
            "cohort",
        )
    )
    register_purpose(
        Purpose(
            "invoicing",
            _("Quotes and invoices of a CJS"),
            _("Names and contacts of the clients on quotes and invoices (individual clients only)."),
            _("Legal obligation (accounting)"),
            "invoicing",
        )
    )
    register_purpose(
        Purpose(
            "service_requests",
            _("Requests from the public site"),
            _("Orders of a service sent through a CJS's public page, to answer them."),
            _("Steps taken at the requester's request before a contract"),
            "service_requests",
        )
    )
    classify(WorkLog, purpose="cooperative_life", subjects=["enrolment__person"])
    classify(DistributionShare, purpose="cooperative_life", subjects=["enrolment__person"])
    classify(Vote, purpose="cooperative_life", subjects=["enrolment__person"])
    classify(Committee, purpose="cooperative_life", subjects=["members__person"])
    classify(
        Meeting,
        purpose="cooperative_life",
        fields=["agenda", "minutes"],
        subjects=["attendees__person"],
        staff=["created_by"],
    )
    classify(Decision, purpose="cooperative_life", fields=["title", "text"])
    classify(Client, purpose="invoicing", fields=["name", "contact_name", "email", "phone", "address"])
    classify(
        Contract, purpose="invoicing", fields=["description", "cancellation_reason"], staff=["created_by"]
    )
    classify(
        ServiceRequest,
        purpose="service_requests",
        fields=["name", "email", "phone", "address", "description"],
    )
    not_personal(Expense, staff=["created_by"])
    not_personal(SurplusDistribution, staff=["created_by"])
    not_personal(HostLegalDetails, note=_("An organisation's legal details."))
    not_personal(InvoiceSequence)
    register_provider(CjsProvider())


class CjsProvider(BaseProvider):
    app_label = "cjs"
    label = _("CJS")
    models = (WorkLog, DistributionShare, Vote, Committee, Meeting)

    def export(self, person: Any) -> dict[str, list[dict[str, Any]]]:
        logs = WorkLog.objects.filter(enrolment__person=person).select_related("contract")
        return {
            "cjs.worklog": [
                export_row(log, ["work_date", "hours"], contract=log.contract.get_service_display())
                for log in logs.order_by("work_date", "pk")
            ],
            "cjs.distributionshare": export_rows(
                DistributionShare.objects.filter(enrolment__person=person)
                .select_related("distribution__cohort__edition")
                .order_by("pk"),
                ["distribution", "hours", "amount"],
            ),
            "cjs.vote": export_rows(
                Vote.objects.filter(enrolment__person=person).select_related("decision").order_by("pk"),
                ["decision", "choice"],
            ),
            "cjs.meeting": export_rows(
                Meeting.objects.filter(attendees__person=person).distinct().order_by("meeting_date", "pk"),
                ["kind", "meeting_date"],
            ),
            "cjs.committee": export_rows(
                Committee.objects.filter(members__person=person).distinct().order_by("pk"), ["cohort", "name"]
            ),
        }

    def erase(self, person: Person) -> None:
        """Hours, shares and votes stay on the (anonymised) enrolment: turnover, hours and the
        distribution stay exact. The person's name is taken out of the minutes and decisions."""
        names = anonymise.person_names(person)
        if not names:
            return
        cohorts = person.enrolments.values("cohort_id")
        for meeting in Meeting.objects.filter(cohort_id__in=cohorts):
            agenda, minutes = (
                anonymise.redact(meeting.agenda, names),
                anonymise.redact(meeting.minutes, names),
            )
            if (agenda, minutes) != (meeting.agenda, meeting.minutes):
                meeting.agenda, meeting.minutes = agenda, minutes
                meeting.save(update_fields=["agenda", "minutes"])
        for decision in Decision.objects.filter(meeting__cohort_id__in=cohorts):
            title, text = anonymise.redact(decision.title, names), anonymise.redact(decision.text, names)
            if (title, text) != (decision.title, decision.text):
                decision.title, decision.text = title, text
                decision.save(update_fields=["title", "text"])

    @transaction.atomic
    def expire(self, today: datetime.date) -> dict[str, int]:
        """Requests from the public site go after their own retention; individual clients (and what
        their contracts say about them) are anonymised once the accounting records may go."""
        received_before = retention.add_years(today, -retention.purpose_years("service_requests"))
        deleted, _by_model = ServiceRequest.objects.filter(created_at__date__lt=received_before).delete()
        expired_cohorts = [
            cohort.pk
            for cohort in Cohort.objects.filter(clients__kind=ClientKind.INDIVIDUAL)
            .select_related("edition")
            .distinct()
            if retention.add_years(retention.cohort_end(cohort), retention.purpose_years("invoicing")) < today
        ]
        clients = Client.objects.filter(cohort_id__in=expired_cohorts, kind=ClientKind.INDIVIDUAL).exclude(
            name__startswith=ANONYMOUS_CLIENT
        )
        anonymised = 0
        for client in clients:
            client.name = f"{ANONYMOUS_CLIENT} #{client.pk}"
            client.contact_name = client.email = client.phone = client.address = ""
            client.save()
            anonymised += 1
            Contract.objects.filter(client=client).filter(
                ~Q(description="") | ~Q(cancellation_reason="")
            ).update(description="", cancellation_reason="")
        return {"service_requests": deleted, "clients": anonymised}
