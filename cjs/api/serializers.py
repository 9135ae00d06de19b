from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cjs import selectors
from cjs.choices import DistributionMethod, MeetingKind, ServiceRequestStatus, VoteChoice
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
    Vote,
    WorkLog,
)
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


# --- Governance and service requests -----------------------------------------------------------------


def _member_name(enrolment: Enrolment) -> str:
    return f"{enrolment.person.first_name} {enrolment.person.last_name}"


def _staffed_members(user: Any) -> Any:
    return _staffed_enrolments(user).filter(role=Enrolment.Role.MEMBER)


class MemberSerializer(serializers.Serializer[Enrolment]):
    enrolment = serializers.IntegerField(source="pk", read_only=True, help_text="The member's enrolment id.")
    member = serializers.SerializerMethodField()

    def get_member(self, enrolment: Enrolment) -> str:
        return _member_name(enrolment)


class VoteSerializer(serializers.ModelSerializer[Vote]):
    member = serializers.SerializerMethodField()

    class Meta:
        model = Vote
        fields = ["enrolment", "member", "choice"]
        read_only_fields = fields

    def get_member(self, vote: Vote) -> str:
        return _member_name(vote.enrolment)


class TallySerializer(serializers.Serializer[selectors.Tally]):
    votes_for = serializers.IntegerField(read_only=True)
    votes_against = serializers.IntegerField(read_only=True)
    abstentions = serializers.IntegerField(read_only=True)
    is_adopted = serializers.BooleanField(
        read_only=True, help_text="More members voted for than against (abstentions do not count)."
    )


class QuorumSerializer(serializers.Serializer[selectors.Quorum]):
    present = serializers.IntegerField(read_only=True, help_text="Current members of the body present.")
    members = serializers.IntegerField(
        read_only=True, help_text="Current members of the body: the CJS for an assembly, else the committee."
    )
    required = serializers.IntegerField(
        read_only=True, help_text="Members who must attend (ESSAIM_CJS_QUORUM of them, rounded up)."
    )
    is_reached = serializers.BooleanField(read_only=True, help_text="The meeting may vote.")


class DecisionSummarySerializer(serializers.ModelSerializer[Decision]):
    tally = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["id", "title", "text", "tally"]
        read_only_fields = fields

    @extend_schema_field(TallySerializer)
    def get_tally(self, decision: Decision) -> dict[str, Any]:
        return dict(TallySerializer(selectors.tally(decision.votes.all())).data)


class DecisionSerializer(DecisionSummarySerializer):
    votes = VoteSerializer(many=True, read_only=True)

    class Meta(DecisionSummarySerializer.Meta):
        fields = ["id", "meeting", "title", "text", "tally", "votes"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    committee_name = serializers.CharField(source="committee.name", read_only=True, default=None)
    attendees = MemberSerializer(many=True, read_only=True)
    quorum = serializers.SerializerMethodField()
    decisions = DecisionSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "cohort",
            "kind",
            "committee",
            "committee_name",
            "meeting_date",
            "agenda",
            "minutes",
            "attendees",
            "quorum",
            "decisions",
        ]
        read_only_fields = fields

    @extend_schema_field(QuorumSerializer)
    def get_quorum(self, meeting: Meeting) -> dict[str, Any]:
        quorums = self.context.get("quorums") or {}
        quorum = quorums.get(meeting.pk) or selectors.meeting_quorum(meeting)
        return dict(QuorumSerializer(quorum).data)


class MeetingUpdateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=MeetingKind.choices, default=MeetingKind.ASSEMBLY)
    committee = _ScopedField(
        scope=selectors.visible_committees,
        required=False,
        allow_null=True,
        default=None,
        help_text="The committee that met (a committee meeting only).",
    )
    meeting_date = serializers.DateField()
    agenda = serializers.CharField(required=False, allow_blank=True, default="")
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    attendees = _ScopedField(
        scope=_staffed_members,
        many=True,
        required=False,
        default=list,
        help_text="Enrolment ids of the members present (empty for a meeting still to come).",
    )


class MeetingCreateSerializer(MeetingUpdateSerializer):
    cohort = _ScopedField(scope=_staffed_cohorts)


class VoteInputSerializer(serializers.Serializer[Any]):
    enrolment = _ScopedField(scope=_staffed_members, help_text="The voting member's enrolment id.")
    choice = serializers.ChoiceField(choices=VoteChoice.choices)


class DecisionCreateSerializer(serializers.Serializer[Any]):
    meeting = _ScopedField(scope=selectors.visible_meetings)
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    votes = VoteInputSerializer(
        many=True,
        help_text="One vote per member present: one member, one vote (a member given twice is refused).",
    )


class CommitteeSerializer(serializers.ModelSerializer[Committee]):
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "cohort", "name", "members"]
        read_only_fields = fields


class CommitteeUpdateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100, required=False)
    members = _ScopedField(
        scope=_staffed_members,
        many=True,
        required=False,
        help_text="Enrolment ids of all the committee's members (replaces the list).",
    )


class CommitteeCreateSerializer(serializers.Serializer[Any]):
    cohort = _ScopedField(scope=_staffed_cohorts)
    name = serializers.CharField(max_length=100)
    members = _ScopedField(scope=_staffed_members, many=True, required=False, default=list)


class CommitteeMembersSerializer(serializers.Serializer[Any]):
    members = _ScopedField(scope=_staffed_members, many=True, help_text="Enrolment ids of members.")


class ServiceRequestSerializer(serializers.ModelSerializer[ServiceRequest]):
    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "cohort",
            "client_kind",
            "name",
            "email",
            "phone",
            "commune",
            "address",
            "service",
            "description",
            "wished_start_date",
            "wished_end_date",
            "status",
            "contract",
            "created_at",
        ]
        read_only_fields = fields


class ServiceRequestStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[ServiceRequestStatus.NEW, ServiceRequestStatus.DECLINED],
        help_text="`declined`: the CJS will not take it on; `new`: reopen a declined request. A request "
        "becomes `quoted` through its quote.",
    )


class RequestQuoteSerializer(serializers.Serializer[Any]):
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)  # type: ignore[arg-type]
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The request's description when left out."
    )
