from django.utils.translation import gettext_lazy as _

from rest_framework import serializers

from programmes import access
from programmes.choices import AttendanceStatus, EnrolmentStatus, ExitReason
from programmes.models import Cohort, Enrolment, Partnership, Person, Session, User
from programmes.roles import role_names
from programmes.selectors import start_url_for


class CurrentUserSerializer(serializers.ModelSerializer[User]):
    roles = serializers.SerializerMethodField()
    start_url = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "roles", "start_url"]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        return sorted(role_names(user))

    def get_start_url(self, user: User) -> str:
        return start_url_for(user)


class CohortSerializer(serializers.ModelSerializer[Cohort]):
    programme = serializers.CharField(source="edition.programme.slug")
    edition = serializers.IntegerField(source="edition.year")
    region = serializers.CharField(source="department.region.code")
    region_name = serializers.CharField(source="department.region.name")
    department = serializers.CharField(source="department.code")
    commune = serializers.CharField(source="commune.name", allow_null=True, default=None)
    host = serializers.CharField(source="host.name", allow_null=True, default=None)
    members = serializers.IntegerField(source="members_count")
    partners = serializers.IntegerField(source="partners_count")

    class Meta:
        model = Cohort
        fields = [
            "id",
            "name",
            "programme",
            "edition",
            "region",
            "region_name",
            "department",
            "commune",
            "is_in_qpv",
            "is_rural",
            "host",
            "start_date",
            "end_date",
            "status",
            "members",
            "partners",
        ]
        read_only_fields = fields


class PersonEnrolmentSerializer(serializers.ModelSerializer[Enrolment]):
    cohort_name = serializers.CharField(source="cohort.name")

    class Meta:
        model = Enrolment
        fields = ["id", "cohort", "cohort_name", "status", "status_date"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer[Person]):
    enrolments = PersonEnrolmentSerializer(source="visible_enrolments", many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "first_name", "last_name", "enrolments"]
        read_only_fields = fields


class PersonDetailSerializer(PersonSerializer):
    class Meta(PersonSerializer.Meta):
        fields = [
            "id",
            "first_name",
            "last_name",
            "birth_date",
            "gender",
            "email",
            "phone",
            "is_qpv_resident",
            "education_level",
            "employment_status",
            "enrolments",
        ]
        read_only_fields = fields


class EnrolmentSerializer(serializers.ModelSerializer[Enrolment]):
    first_name = serializers.CharField(source="person.first_name")
    last_name = serializers.CharField(source="person.last_name")

    class Meta:
        model = Enrolment
        fields = ["id", "person", "first_name", "last_name", "cohort", "status", "status_date", "exit_reason"]
        read_only_fields = fields


class EnrolmentTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    on = serializers.DateField(required=False)
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices, required=False, default="")
    exit_note = serializers.CharField(required=False, allow_blank=True, default="")


class AttendanceMarkSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField(source="enrolment_id")
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)


class SessionSerializer(serializers.ModelSerializer[Session]):
    attendance = AttendanceMarkSerializer(source="attendances", many=True, read_only=True)

    class Meta:
        model = Session
        fields = ["id", "cohort", "date", "start_time", "end_time", "kind", "title", "attendance"]
        read_only_fields = ["id", "attendance"]

    def validate_cohort(self, cohort: Cohort) -> Cohort:
        request = self.context["request"]
        if not access.can_manage_cohort(request.user, cohort):
            raise serializers.ValidationError(_("You do not run this cohort."))
        return cohort


class AttendanceSheetSerializer(serializers.Serializer):
    marks = AttendanceMarkSerializer(many=True)


class PartnershipSerializer(serializers.ModelSerializer[Partnership]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    organisation_type = serializers.CharField(source="organisation.type", read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "cohort",
            "organisation",
            "organisation_name",
            "organisation_type",
            "role",
            "contribution_eur",
            "in_kind",
        ]
        read_only_fields = fields
