"""The CJS API: clients, contracts and their lifecycle, expenses, surplus distributions, governance
(meetings, decisions and votes, committees) and the public's service requests, scoped by the access
policy (the CJS a user works on; partners and members see none of it)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import decorators, mixins, renderers, response, serializers, status, viewsets
from rest_framework.request import Request

from cjs import pdf, selectors, services
from cjs.api.serializers import (
    CancelSerializer,
    ClientSerializer,
    CommitteeCreateSerializer,
    CommitteeMembersSerializer,
    CommitteeSerializer,
    CommitteeUpdateSerializer,
    ContractSerializer,
    DecisionCreateSerializer,
    DecisionSerializer,
    DistributeSerializer,
    DistributionSerializer,
    DoneSerializer,
    ExpenseSerializer,
    MeetingCreateSerializer,
    MeetingSerializer,
    MeetingUpdateSerializer,
    RequestQuoteSerializer,
    ServiceRequestSerializer,
    ServiceRequestStatusSerializer,
    StepSerializer,
    VoteInputSerializer,
)
from cjs.models import (
    Client,
    Committee,
    Contract,
    Decision,
    DistributionShare,
    Expense,
    Meeting,
    ServiceRequest,
    SurplusDistribution,
    WorkLog,
)

COHORT_FILTER = OpenApiParameter("cohort", OpenApiTypes.INT, description="Only this cohort (CJS) id.")


@contextmanager
def business_errors() -> Iterator[None]:
    """A broken business rule is a 400 with the service's message."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError(serializers.as_serializer_error(error)) from error


class PdfRenderer(renderers.BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)


def _cohort_filter(queryset: QuerySet[Any], request: Request) -> QuerySet[Any]:
    cohort = request.query_params.get("cohort")
    if cohort:
        if not cohort.isdigit():
            raise serializers.ValidationError({"cohort": "A cohort id is a number."})
        queryset = queryset.filter(cohort_id=int(cohort))
    return queryset


@extend_schema_view(list=extend_schema(parameters=[COHORT_FILTER]))
class ClientViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[Client]):
    """Clients of the CJS the caller works on (an individual client is personal data)."""

    serializer_class = ClientSerializer

    def get_queryset(self) -> QuerySet[Client]:
        queryset = selectors.visible_clients(self.request.user)
        return _cohort_filter(queryset, self.request).order_by("cohort_id", "name", "pk")

    def perform_create(self, serializer: Any) -> None:
        with business_errors():
            serializer.instance = services.create_client(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        with business_errors():
            client = serializer.instance
            for name, value in serializer.validated_data.items():
                setattr(client, name, value)
            client.full_clean()
            client.save()


def _step(serializer_class: type[serializers.Serializer[Any]], description: str) -> Any:
    return extend_schema(request=serializer_class, responses=ContractSerializer, description=description)


def contracts_with_details(user: Any) -> QuerySet[Contract]:
    """The user's contracts with their client, hours worked and work logs, as the API shows them."""
    logs = WorkLog.objects.select_related("enrolment__person").order_by("work_date", "pk")
    return (
        selectors.visible_contracts(user)
        .select_related("client")
        .annotate(hours_worked=selectors.worked_hours())
        .prefetch_related(Prefetch("work_logs", queryset=logs))
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            COHORT_FILTER,
            OpenApiParameter("status", OpenApiTypes.STR, description="Only this status."),
        ]
    )
)
class ContractViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Contract]):
    """Contracts (prestations) from quote to payment; creating one writes a quote."""

    serializer_class = ContractSerializer

    def get_queryset(self) -> QuerySet[Contract]:
        queryset = contracts_with_details(self.request.user)
        if self.request.query_params.get("status"):
            queryset = queryset.filter(status=self.request.query_params["status"])
        return _cohort_filter(queryset, self.request).order_by("-start_date", "-pk")

    def perform_create(self, serializer: Any) -> None:
        with business_errors():
            contract = services.create_quote(by=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=contract.pk)

    def _answer(self, contract: Contract) -> response.Response:
        fresh = self.get_queryset().get(pk=contract.pk)
        return response.Response(ContractSerializer(fresh, context=self.get_serializer_context()).data)

    @_step(StepSerializer, "The client accepted the quote.")
    @decorators.action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> response.Response:
        contract = self.get_object()
        payload = StepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with business_errors():
            services.accept_quote(contract=contract, by=request.user, **payload.validated_data)
        return self._answer(contract)

    @_step(DoneSerializer, "The work is done: who worked, which day, how many hours.")
    @decorators.action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str | None = None) -> response.Response:
        contract = self.get_object()
        payload = DoneSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        work_logs = [
            (log["enrolment"], log["work_date"], log["hours"]) for log in payload.validated_data["work_logs"]
        ]
        with business_errors():
            services.mark_done(
                contract=contract, work_logs=work_logs, on=payload.validated_data.get("on"), by=request.user
            )
        return self._answer(contract)

    @_step(StepSerializer, "Invoice through the host organisation, with its next invoice number.")
    @decorators.action(detail=True, methods=["post"])
    def invoice(self, request: Request, pk: str | None = None) -> response.Response:
        contract = self.get_object()
        payload = StepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with business_errors():
            services.invoice_contract(contract=contract, by=request.user, **payload.validated_data)
        return self._answer(contract)

    @_step(StepSerializer, "The client paid the invoice.")
    @decorators.action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> response.Response:
        contract = self.get_object()
        payload = StepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with business_errors():
            services.record_payment(contract=contract, by=request.user, **payload.validated_data)
        return self._answer(contract)

    @_step(CancelSerializer, "Cancel a contract that is not invoiced yet.")
    @decorators.action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> response.Response:
        contract = self.get_object()
        payload = CancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with business_errors():
            services.cancel_contract(contract=contract, by=request.user, **payload.validated_data)
        return self._answer(contract)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description="The quote as a PDF file.",
    )
    @decorators.action(detail=True, methods=["get"], url_path="quote-pdf", renderer_classes=[PdfRenderer])
    def quote_pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        contract = self.get_object()
        return _pdf_response(pdf.quote_pdf(contract), pdf.filename("devis", pdf.quote_reference(contract)))

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="The contract has not been invoiced yet."),
        },
        description="The invoice as a PDF file.",
    )
    @decorators.action(detail=True, methods=["get"], url_path="invoice-pdf", renderer_classes=[PdfRenderer])
    def invoice_pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        contract = self.get_object()
        with business_errors():
            content = pdf.invoice_pdf(contract)
        return _pdf_response(content, pdf.filename("facture", contract.invoice_number))


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    answer = HttpResponse(content, content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="{filename}"'
    answer["Cache-Control"] = "no-store"
    return answer


@extend_schema_view(list=extend_schema(parameters=[COHORT_FILTER]))
class ExpenseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Expense]):
    """Expenses of the CJS the caller works on."""

    serializer_class = ExpenseSerializer

    def get_queryset(self) -> QuerySet[Expense]:
        queryset = selectors.visible_expenses(self.request.user)
        return _cohort_filter(queryset, self.request).order_by("-expense_date", "-pk")

    def perform_create(self, serializer: Any) -> None:
        with business_errors():
            serializer.instance = services.add_expense(by=self.request.user, **serializer.validated_data)


@extend_schema_view(list=extend_schema(parameters=[COHORT_FILTER]))
class DistributionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[SurplusDistribution]):
    """End-of-season surplus distributions; creating one shares turnover - expenses - reserve."""

    serializer_class = DistributionSerializer

    def get_queryset(self) -> QuerySet[SurplusDistribution]:
        shares = DistributionShare.objects.select_related("enrolment__person").order_by(
            "-amount", "enrolment_id"
        )
        queryset = selectors.visible_distributions(self.request.user).prefetch_related(
            Prefetch("shares", queryset=shares)
        )
        return _cohort_filter(queryset, self.request).order_by("-decided_date", "-pk")

    @extend_schema(request=DistributeSerializer, responses={201: DistributionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> response.Response:
        payload = DistributeSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        with business_errors():
            distribution = services.distribute_surplus(by=request.user, **payload.validated_data)
        fresh = self.get_queryset().get(pk=distribution.pk)
        return response.Response(DistributionSerializer(fresh).data, status=status.HTTP_201_CREATED)


# --- Governance ----------------------------------------------------------------------------------------


def _filter_by(queryset: QuerySet[Any], request: Request, name: str, lookup: str) -> QuerySet[Any]:
    value = request.query_params.get(name)
    if value:
        if not value.isdigit():
            raise serializers.ValidationError({name: f"A {name} id is a number."})
        queryset = queryset.filter(**{lookup: int(value)})
    return queryset


NO_PUT = ["get", "post", "patch", "head", "options"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            COHORT_FILTER,
            OpenApiParameter("kind", OpenApiTypes.STR, description="`assembly` or `committee`."),
            OpenApiParameter("committee", OpenApiTypes.INT, description="Only this committee's meetings."),
        ]
    )
)
class MeetingViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[Meeting]
):
    """General assemblies and committee meetings of the CJS the caller works on: date, agenda, minutes, who
    attended, whether the quorum is reached, and the decisions with their vote tallies."""

    serializer_class = MeetingSerializer
    http_method_names = NO_PUT

    def get_queryset(self) -> QuerySet[Meeting]:
        queryset = selectors.with_governance_details(selectors.visible_meetings(self.request.user))
        if self.request.query_params.get("kind"):
            queryset = queryset.filter(kind=self.request.query_params["kind"])
        queryset = _filter_by(queryset, self.request, "committee", "committee_id")
        return _cohort_filter(queryset, self.request).order_by("-meeting_date", "-pk")

    def _answer(self, meeting: Meeting, code: int = status.HTTP_200_OK) -> response.Response:
        fresh = self.get_queryset().get(pk=meeting.pk)
        return response.Response(
            MeetingSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> response.Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        meetings = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "quorums": selectors.meeting_quorums(meetings)}
        data = MeetingSerializer(meetings, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else response.Response(data)

    @extend_schema(
        request=MeetingCreateSerializer,
        responses={201: MeetingSerializer},
        examples=[
            OpenApiExample(
                "A general assembly",
                value={
                    "cohort": 12,
                    "kind": "assembly",
                    "meeting_date": "2018-07-20",
                    "agenda": "Prices\nLogo",
                    "attendees": [101, 102, 103],
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> response.Response:
        payload = MeetingCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        with business_errors():
            meeting = services.record_meeting(by=request.user, **payload.validated_data)
        return self._answer(meeting, status.HTTP_201_CREATED)

    @extend_schema(
        request=MeetingUpdateSerializer,
        responses=MeetingSerializer,
        description="Correct a meeting or complete it (attendees, minutes). Fields left out keep their value; "
        "once the meeting has voted, its voters stay among the attendees and it keeps its quorum.",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> response.Response:
        meeting = self.get_object()
        payload = MeetingUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        current = {
            "kind": meeting.kind,
            "committee": meeting.committee,
            "meeting_date": meeting.meeting_date,
            "agenda": meeting.agenda,
            "minutes": meeting.minutes,
            "attendees": list(meeting.attendees.all()),
        }
        with business_errors():
            services.update_meeting(meeting=meeting, by=request.user, **{**current, **payload.validated_data})
        return self._answer(meeting)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            COHORT_FILTER,
            OpenApiParameter("meeting", OpenApiTypes.INT, description="Only this meeting's decisions."),
        ]
    )
)
class DecisionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Decision]):
    """Decisions voted in the meetings of the CJS the caller works on, with each member's vote and the
    tally; creating one records the votes of the members present (the meeting must have its quorum)."""

    serializer_class = DecisionSerializer

    def get_queryset(self) -> QuerySet[Decision]:
        queryset = selectors.visible_decisions(self.request.user).prefetch_related(
            Prefetch("votes", queryset=selectors.member_votes())
        )
        queryset = _filter_by(queryset, self.request, "meeting", "meeting_id")
        return _filter_by(queryset, self.request, "cohort", "meeting__cohort_id").order_by(
            "-meeting_id", "pk"
        )

    def _answer(self, decision: Decision, code: int = status.HTTP_200_OK) -> response.Response:
        fresh = self.get_queryset().get(pk=decision.pk)
        return response.Response(DecisionSerializer(fresh).data, status=code)

    @extend_schema(
        request=DecisionCreateSerializer,
        responses={201: DecisionSerializer},
        examples=[
            OpenApiExample(
                "The hourly rate",
                value={
                    "meeting": 7,
                    "title": "The hourly rate is 15 €",
                    "votes": [
                        {"enrolment": 101, "choice": "for"},
                        {"enrolment": 102, "choice": "against"},
                        {"enrolment": 103, "choice": "abstention"},
                    ],
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> response.Response:
        payload = DecisionCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        with business_errors():
            decision = services.record_decision(
                meeting=data["meeting"],
                title=data["title"],
                text=data["text"],
                votes=[(vote["enrolment"], vote["choice"]) for vote in data["votes"]],
                by=request.user,
            )
        return self._answer(decision, status.HTTP_201_CREATED)

    @extend_schema(
        request=VoteInputSerializer,
        responses={201: DecisionSerializer},
        description="Add the vote of a member present who has not voted yet.",
    )
    @decorators.action(detail=True, methods=["post"])
    def votes(self, request: Request, pk: str | None = None) -> response.Response:
        decision = self.get_object()
        payload = VoteInputSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        with business_errors():
            services.cast_vote(decision=decision, by=request.user, **payload.validated_data)
        return self._answer(decision, status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[COHORT_FILTER]))
class CommitteeViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[Committee]
):
    """Committees (commercial, communication, finances...) of the CJS the caller works on, with their members."""

    serializer_class = CommitteeSerializer
    http_method_names = NO_PUT

    def get_queryset(self) -> QuerySet[Committee]:
        queryset = selectors.with_members(selectors.visible_committees(self.request.user))
        return _cohort_filter(queryset, self.request).order_by("cohort_id", "name", "pk")

    def _answer(self, committee: Committee, code: int = status.HTTP_200_OK) -> response.Response:
        return response.Response(
            CommitteeSerializer(self.get_queryset().get(pk=committee.pk)).data, status=code
        )

    @extend_schema(request=CommitteeCreateSerializer, responses={201: CommitteeSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> response.Response:
        payload = CommitteeCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        with business_errors():
            committee = services.create_committee(by=request.user, **payload.validated_data)
        return self._answer(committee, status.HTTP_201_CREATED)

    @extend_schema(request=CommitteeUpdateSerializer, responses=CommitteeSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> response.Response:
        committee = self.get_object()
        payload = CommitteeUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        with business_errors():
            services.update_committee(committee=committee, by=request.user, **payload.validated_data)
        return self._answer(committee)

    @extend_schema(
        request=CommitteeMembersSerializer,
        responses=CommitteeSerializer,
        description="Add current members of the CJS to the committee.",
    )
    @decorators.action(detail=True, methods=["post"], url_path="add-members")
    def add_members(self, request: Request, pk: str | None = None) -> response.Response:
        committee = self.get_object()
        payload = CommitteeMembersSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        with business_errors():
            services.add_committee_members(committee=committee, by=request.user, **payload.validated_data)
        return self._answer(committee)

    @extend_schema(
        request=CommitteeMembersSerializer,
        responses=CommitteeSerializer,
        description="Take members off the committee (the meetings they attended keep them).",
    )
    @decorators.action(detail=True, methods=["post"], url_path="remove-members")
    def remove_members(self, request: Request, pk: str | None = None) -> response.Response:
        committee = self.get_object()
        payload = CommitteeMembersSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        with business_errors(), transaction.atomic():
            for enrolment in payload.validated_data["members"]:
                services.remove_committee_member(committee=committee, enrolment=enrolment, by=request.user)
        return self._answer(committee)


# --- Service requests ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[
            COHORT_FILTER,
            OpenApiParameter("status", OpenApiTypes.STR, description="`new`, `quoted` or `declined`."),
        ]
    )
)
class ServiceRequestViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[ServiceRequest]):
    """Service requests sent by visitors from the CJS's public page ("order a service"): they name the
    requester and their contact, so only the CJS's staff see them. Decline or reopen one by changing its
    status; answer one with a quote through `quote`."""

    serializer_class = ServiceRequestSerializer
    http_method_names = NO_PUT

    def get_queryset(self) -> QuerySet[ServiceRequest]:
        queryset = selectors.visible_service_requests(self.request.user)
        if self.request.query_params.get("status"):
            queryset = queryset.filter(status=self.request.query_params["status"])
        return _cohort_filter(queryset, self.request).order_by("-created_at", "-pk")

    @extend_schema(request=ServiceRequestStatusSerializer, responses=ServiceRequestSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> response.Response:
        service_request = self.get_object()
        payload = ServiceRequestStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with business_errors():
            services.set_service_request_status(
                service_request=service_request, status=payload.validated_data["status"], by=request.user
            )
        return response.Response(
            ServiceRequestSerializer(self.get_queryset().get(pk=service_request.pk)).data
        )

    @extend_schema(
        request=RequestQuoteSerializer,
        responses={201: ContractSerializer},
        description="Answer a new request with a quote: the client is found or created from the request, "
        "the quote written and the request marked quoted.",
    )
    @decorators.action(detail=True, methods=["post"])
    def quote(self, request: Request, pk: str | None = None) -> response.Response:
        service_request = self.get_object()
        payload = RequestQuoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with business_errors():
            contract = services.quote_service_request(
                service_request=service_request, by=request.user, **payload.validated_data
            )
        fresh = contracts_with_details(request.user).get(pk=contract.pk)
        return response.Response(
            ContractSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
