"""The CJS API: clients, contracts and their lifecycle, expenses and surplus distributions, scoped by
the access policy (the CJS a user works on; partners and members see none of it)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import decorators, mixins, renderers, response, serializers, status, viewsets
from rest_framework.request import Request

from cjs import pdf, selectors, services
from cjs.api.serializers import (
    CancelSerializer,
    ClientSerializer,
    ContractSerializer,
    DistributeSerializer,
    DistributionSerializer,
    DoneSerializer,
    ExpenseSerializer,
    StepSerializer,
)
from cjs.models import Client, Contract, DistributionShare, Expense, SurplusDistribution, WorkLog

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
        logs = WorkLog.objects.select_related("enrolment__person").order_by("work_date", "pk")
        queryset = (
            selectors.visible_contracts(self.request.user)
            .select_related("client")
            .annotate(hours_worked=selectors.worked_hours())
            .prefetch_related(Prefetch("work_logs", queryset=logs))
        )
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
