from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cjs import selectors
from cjs.choices import DistributionMethod
from cjs.models import Client, Contract, DistributionShare, Expense, SurplusDistribution, WorkLog
from programmes import access
from programmes.models import Enrolment


@extend_schema_field(OpenApiTypes.INT)
class _ScopedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A related id chosen among what the requesting user may write to (404-like 'does not exist' otherwise)."""

    def __init__(self, *, scope: Any, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return self.scope(request.user if request else None)


def _staffed_cohorts(user: Any) -> Any:
    return access.staffed_cohorts(user)


def _staffed_enrolments(user: Any) -> Any:
    return Enrolment.objects.filter(cohort__in=access.staffed_cohorts(user)).select_related("person")


class ClientSerializer(serializers.ModelSerializer[Client]):
    cohort = _ScopedField(scope=_staffed_cohorts)

    class Meta:
        model = Client
        fields = ["id", "cohort", "kind", "name", "contact_name", "email", "phone", "address", "created_at"]
        read_only_fields = ["id", "created_at"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        if self.instance is not None:
            fields["cohort"].read_only = True  # a client stays with its CJS
        return fields


class WorkLogSerializer(serializers.ModelSerializer[WorkLog]):
    member = serializers.SerializerMethodField()

    class Meta:
        model = WorkLog
        fields = ["id", "enrolment", "member", "work_date", "hours"]
        read_only_fields = fields

    def get_member(self, log: WorkLog) -> str:
        return f"{log.enrolment.person.first_name} {log.enrolment.person.last_name}"


class ContractSerializer(serializers.ModelSerializer[Contract]):
    cohort = _ScopedField(scope=_staffed_cohorts)
    client = _ScopedField(scope=selectors.visible_clients)
    client_name = serializers.CharField(source="client.name", read_only=True)
    hours_worked = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        read_only=True,
        help_text="The sum of the work logs, else the contract's own hours.",
    )
    work_logs = WorkLogSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "cohort",
            "client",
            "client_name",
            "service",
            "description",
            "start_date",
            "end_date",
            "price",
            "hours",
            "hours_worked",
            "status",
            "quoted_date",
            "accepted_date",
            "done_date",
            "invoiced_date",
            "paid_date",
            "cancelled_date",
            "cancellation_reason",
            "invoice_number",
            "work_logs",
        ]
        read_only_fields = [
            "id",
            "status",
            "quoted_date",
            "accepted_date",
            "done_date",
            "invoiced_date",
            "paid_date",
            "cancelled_date",
            "cancellation_reason",
            "invoice_number",
        ]


class StepSerializer(serializers.Serializer[Any]):
    on = serializers.DateField(required=False, help_text="The date of the step (today when left out).")


class CancelSerializer(StepSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class WorkLogInputSerializer(serializers.Serializer[Any]):
    enrolment = _ScopedField(scope=_staffed_enrolments, help_text="The member's enrolment id.")
    work_date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=2)


class DoneSerializer(StepSerializer):
    work_logs = WorkLogInputSerializer(many=True, help_text="Who worked, which day, how many hours.")


class ExpenseSerializer(serializers.ModelSerializer[Expense]):
    cohort = _ScopedField(scope=_staffed_cohorts)

    class Meta:
        model = Expense
        fields = ["id", "cohort", "expense_date", "label", "amount"]
        read_only_fields = ["id"]


class DistributionShareSerializer(serializers.ModelSerializer[DistributionShare]):
    member = serializers.SerializerMethodField()

    class Meta:
        model = DistributionShare
        fields = ["enrolment", "member", "hours", "amount"]
        read_only_fields = fields

    def get_member(self, share: DistributionShare) -> str:
        return f"{share.enrolment.person.first_name} {share.enrolment.person.last_name}"


class DistributionSerializer(serializers.ModelSerializer[SurplusDistribution]):
    shares = DistributionShareSerializer(many=True, read_only=True)

    class Meta:
        model = SurplusDistribution
        fields = [
            "id",
            "cohort",
            "decided_date",
            "method",
            "turnover",
            "expenses",
            "reserve",
            "distributed",
            "shares",
        ]
        read_only_fields = fields


class DistributeSerializer(serializers.Serializer[Any]):
    cohort = _ScopedField(scope=_staffed_cohorts)
    method = serializers.ChoiceField(choices=DistributionMethod.choices)
    reserve = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)  # type: ignore[arg-type]
    decided_date = serializers.DateField(required=False)
