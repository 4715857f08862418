"""REST API for victim cases, under the same need-to-know as the pages (cases.rules); every change via cases.services.

- A case is addressed by its random `id` (a UUID), never by a name, a numeric id or the reference code (a sequence
  anyone could walk); the reference code is what people say and write.
- Lists never carry identifiers. A case's detail carries them for those who may see them (cases.view_case); the
  National Coordinator sees it pseudonymised: the keys given_name, family_name, date_of_birth, documents, address and
  phone are not there at all.
- Every read of a case is audited, like the page ("case.read" / "case.read_pseudonymised"). A case the user did not
  register is opened with a stated reason, recorded as "case.open". An API has no form to ask for it: it comes in the
  `X-Access-Reason` header (preferred: query strings end up in access logs and browser histories) or as `?reason=`.
- A case the user may not see is not there (404); one the user may see but not change so is refused (403); a step the
  rules do not allow now is a 400 with the service's message, keeping its field keys.
"""

from contextlib import suppress
from urllib.parse import unquote

import django_filters
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.decorators import HasViewPermission
from audit.services import event_record
from cases import indicators, services
from cases.models import (
    Case,
    Consent,
    ExploitationForm,
    IndicatorAssessment,
    Person,
    Referral,
    ReflectionPeriod,
    Sex,
    StatusChange,
)
from cases.selectors import cases_pseudonymised
from cases.views import CHILD_FILTER
from lib.errors import service_errors
from organisations.models import Organisation

# The person's identifiers (encrypted at rest): only in the full detail, never in a list.
IDENTIFIERS = ("given_name", "family_name", "date_of_birth", "documents", "address", "phone")

REASON_HEADER = "X-Access-Reason"
REASON_PARAMETER = "reason"
REASON_MAX_LENGTH = 500  # as on the page (cases.forms.ReadReasonForm)

NOT_YOUR_CASE = _("This case is not yours: give ?reason=… (it is recorded).")
REASON_TOO_LONG = _("Keep the reason to {max} characters at most.")
REASON_NULL_CHARACTER = _("Null characters are not allowed.")  # Django's own message (and translations)
NOT_ALLOWED_ON_CASE = _("You may see this case but not change it.")


def _access_reason(request) -> str:
    """Why the user opens a case someone else registered: the header if given, else the query parameter.

    HTTP headers are Latin-1: non-ASCII text is sent percent-encoded (UTF-8), or as raw UTF-8 bytes, and both are
    decoded here.
    """
    header = request.headers.get(REASON_HEADER, "")
    if not header:
        return request.query_params.get(REASON_PARAMETER, "").strip()
    with suppress(UnicodeError):  # raw UTF-8 bytes arrive as Latin-1 text
        header = header.encode("latin-1").decode("utf-8")
    return unquote(header).strip()


# Schema: the cases' choice sets are named components of their own (CaseStatus, CaseSource, …). As anonymous enums
# drf-spectacular would name them by field and clash with monitoring's `status` and `source`.


class NamedChoiceField(serializers.ChoiceField):
    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = {
            "type": "string",
            "enum": list(field.choices),
            "description": "\n".join(f"* `{value}` - {label}" for value, label in field.choices.items()),
        }
        component = ResolvedComponent(
            name=field.enum_name, type=ResolvedComponent.SCHEMA, object=field.enum_name, schema=schema
        )
        auto_schema.registry.register_on_missing(component)
        if field.allow_blank:  # blank until set, e.g. a period not yet decided
            return {"oneOf": [component.ref, {"type": "string", "enum": [""]}]}
        return component.ref


def case_status_field(**kwargs):
    return NamedChoiceField(enum_name="CaseStatus", choices=Case.Status.choices, **kwargs)


def exploitation_form_field(**kwargs):
    return NamedChoiceField(enum_name="ExploitationForm", choices=ExploitationForm.Form.choices, **kwargs)


class ExploitationFormsField(serializers.ListField):
    """A case's forms of exploitation, as codes (read from the prefetched `exploitation_forms`)."""

    child = exploitation_form_field()

    def to_representation(self, data):
        return [item.form for item in data.all()]


# Reading a case


class PersonPseudonymisedSerializer(serializers.ModelSerializer):
    """What statistics may use; never an identifier."""

    sex = NamedChoiceField(enum_name="PersonSex", choices=Sex.choices, read_only=True)

    class Meta:
        model = Person
        fields = ["sex", "year_of_birth", "estimated_age", "citizenship"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    """The person with identifiers: shown to those who may see them (cases.view_case), given to record a case."""

    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    documents = serializers.CharField(required=False, allow_blank=True, help_text="Kind and number of each.")
    address = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    sex = NamedChoiceField(enum_name="PersonSex", choices=Sex.choices, required=False)

    class Meta:
        model = Person
        fields = [*IDENTIFIERS, "sex", "year_of_birth", "estimated_age", "citizenship", "languages", "region"]


class StatusChangeSerializer(serializers.ModelSerializer):
    from_status = case_status_field(read_only=True)
    to_status = case_status_field(read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "actor", "organisation", "at", "reason"]
        read_only_fields = fields


class DimensionResultSerializer(serializers.Serializer):
    """One ILO/EC dimension of an assessment (cases.indicators.DimensionResult)."""

    code = serializers.CharField()
    name = serializers.CharField()
    assessable = serializers.BooleanField()
    positive = serializers.BooleanField()
    strong = serializers.IntegerField()
    medium = serializers.IntegerField()
    weak = serializers.IntegerField()
    present = serializers.ListField(child=serializers.CharField())
    branch = serializers.CharField(allow_null=True)
    rule = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class IndicatorAssessmentSerializer(serializers.ModelSerializer):
    indicators = serializers.ListField(child=serializers.CharField(), read_only=True)
    dimensions = DimensionResultSerializer(many=True, read_only=True)
    explanation = serializers.ListField(child=serializers.CharField(), read_only=True)
    assessed_by = serializers.CharField(source="assessed_by.username", read_only=True)

    class Meta:
        model = IndicatorAssessment
        fields = [
            "version",
            "profile",
            "indicators",
            "act_documented",
            "victim_rule_met",
            "conclusion",
            "dimensions",
            "explanation",
            "assessed_by",
            "assessed_at",
        ]
        read_only_fields = fields


class PeriodExtensionSerializer(serializers.Serializer):
    previous_end = serializers.DateField()
    new_end = serializers.DateField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class ReflectionPeriodSerializer(serializers.ModelSerializer):
    days = serializers.IntegerField(read_only=True)
    end_decision = NamedChoiceField(
        enum_name="ReflectionPeriodDecision",
        choices=ReflectionPeriod.Decision.choices,
        allow_blank=True,
        read_only=True,
        help_text="Blank until the end of the period is decided.",
    )
    extensions = PeriodExtensionSerializer(many=True, read_only=True)

    class Meta:
        model = ReflectionPeriod
        fields = ["id", "starts_on", "ends_on", "days", "no_removal", "end_decision", "decided_at", "extensions"]
        read_only_fields = fields


class ReflectionPeriodFullSerializer(ReflectionPeriodSerializer):
    class Meta(ReflectionPeriodSerializer.Meta):
        fields = [*ReflectionPeriodSerializer.Meta.fields, "end_note"]
        read_only_fields = fields


class CaseReferralSerializer(serializers.ModelSerializer):
    from_organisation_name = serializers.CharField(source="from_organisation.name", read_only=True)
    to_organisation_name = serializers.CharField(source="to_organisation.name", read_only=True)
    state = NamedChoiceField(enum_name="ReferralState", choices=Referral.State.choices, read_only=True)
    consent_overridden = serializers.SerializerMethodField()
    id = serializers.UUIDField(source="uid", read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "from_organisation",
            "from_organisation_name",
            "to_organisation",
            "to_organisation_name",
            "services",
            "state",
            "sent_at",
            "answered_at",
            "answer_reason",
            "consent_overridden",
        ]
        read_only_fields = fields

    def get_consent_overridden(self, referral) -> bool:
        return bool(referral.consent_override_reason)


class CaseReferralFullSerializer(CaseReferralSerializer):
    class Meta(CaseReferralSerializer.Meta):
        fields = [*CaseReferralSerializer.Meta.fields, "note", "consent_override_reason"]
        read_only_fields = fields


class ConsentSerializer(serializers.ModelSerializer):
    purpose = NamedChoiceField(enum_name="ConsentPurpose", choices=Consent.Purpose.choices, read_only=True)
    taken_by = serializers.CharField(source="taken_by.username", read_only=True)

    class Meta:
        model = Consent
        fields = ["id", "purpose", "given", "given_on", "note", "taken_by", "recorded_at"]
        read_only_fields = fields


class CaseListSerializer(serializers.ModelSerializer):
    """A row of the list: pseudonymous facts only, whoever asks."""

    status = case_status_field(read_only=True)
    source = NamedChoiceField(enum_name="CaseSource", choices=Case.Source.choices, read_only=True)
    scope = NamedChoiceField(enum_name="CaseScope", choices=Case.Scope.choices, read_only=True)
    exploitation_forms = ExploitationFormsField(read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    id = serializers.UUIDField(source="uid", read_only=True, help_text="What the case's URLs use.")

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "status",
            "source",
            "scope",
            "presumed_child",
            "exploitation_forms",
            "owner",
            "owner_name",
            "created_at",
        ]
        read_only_fields = fields


class CasePseudonymisedSerializer(CaseListSerializer):
    """The National Coordinator's view of a case: its facts and history, no identifier of the person."""

    full = serializers.SerializerMethodField(help_text="Whether the person's identifiers are included.")
    can_change = serializers.SerializerMethodField(help_text="Whether the user may act on the case.")
    is_child = serializers.BooleanField(read_only=True, help_text="Under 18 when registered, or presumed so.")
    referral_due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="24 hours after the case became presumed; null before."
    )
    referral_overdue = serializers.BooleanField(read_only=True)
    person = PersonPseudonymisedSerializer(read_only=True)
    status_changes = StatusChangeSerializer(many=True, read_only=True)
    indicator_assessments = IndicatorAssessmentSerializer(many=True, read_only=True)
    reflection_periods = ReflectionPeriodSerializer(many=True, read_only=True)
    referrals = CaseReferralSerializer(many=True, read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "full",
            "can_change",
            "is_child",
            "presumed_at",
            "referral_due_at",
            "referral_overdue",
            "referred_to_mia_at",
            "closed_at",
            "recruitment_countries",
            "transit_countries",
            "exploitation_countries",
            "exploitation_region",
            "person",
            "status_changes",
            "indicator_assessments",
            "reflection_periods",
            "referrals",
        ]
        read_only_fields = fields

    def get_full(self, case) -> bool:
        return False

    def get_can_change(self, case) -> bool:
        return self.context["request"].user.has_perm("cases.change_case", case)


class CaseFullSerializer(CasePseudonymisedSerializer):
    """The case with the person's identifiers, for those who work on it (cases.view_case)."""

    person = PersonSerializer(read_only=True)
    reflection_periods = ReflectionPeriodFullSerializer(many=True, read_only=True)
    referrals = CaseReferralFullSerializer(many=True, read_only=True)
    consents = ConsentSerializer(many=True, read_only=True)

    class Meta(CasePseudonymisedSerializer.Meta):
        fields = [
            *CasePseudonymisedSerializer.Meta.fields,
            "recruitment_method",
            "means_of_control",
            "vulnerabilities",
            "consents",
        ]
        read_only_fields = fields

    def get_full(self, case) -> bool:
        return True


class CasePseudonymisedExtension(OpenApiSerializerExtension):
    """The pseudonymised case has no other keys (no identifier at all): the schema says so, which also tells it apart
    from the full case in CaseDetail (a full case would otherwise match both)."""

    target_class = CasePseudonymisedSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False}


CASE_DETAIL = PolymorphicProxySerializer(
    component_name="CaseDetail",
    serializers=[CaseFullSerializer, CasePseudonymisedSerializer],
    resource_type_field_name=None,
)


# Writing


class CaseCreateSerializer(serializers.ModelSerializer):
    person = PersonSerializer()
    source = NamedChoiceField(enum_name="CaseSource", choices=Case.Source.choices)
    scope = NamedChoiceField(enum_name="CaseScope", choices=Case.Scope.choices, required=False)
    exploitation_forms = serializers.ListField(child=exploitation_form_field(), required=False, default=list)

    class Meta:
        model = Case
        fields = [
            "person",
            "source",
            "scope",
            "exploitation_forms",
            "recruitment_countries",
            "transit_countries",
            "exploitation_countries",
            "exploitation_region",
            "recruitment_method",
            "means_of_control",
            "vulnerabilities",
            "presumed_child",
        ]


class StatusChangeRequestSerializer(serializers.Serializer):
    to_status = case_status_field()
    reason = serializers.CharField(
        allow_blank=True,
        error_messages={"required": services.REASON_REQUIRED, "null": services.REASON_REQUIRED},
    )


class IndicatorsRequestSerializer(serializers.Serializer):
    profile = serializers.ChoiceField(choices=[], help_text="An ILO/EC profile of the current indicator data.")
    present = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Codes of the indicators present."
    )
    act_documented = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A recruitment, transport, transfer, harbouring or receipt act is documented (children).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = indicators.profiles()

    def validate(self, attrs):
        """Codes that are not indicators of the profile are refused with the indicator module's explanation."""
        try:
            indicators.assess(profile=attrs["profile"], present=set(attrs["present"]))
        except ValueError as error:
            raise serializers.ValidationError({"present": [str(error)]}) from error
        return attrs


class AssessmentResultSerializer(serializers.Serializer):
    """The outcome of an assessment (cases.indicators.Assessment). It informs the officer; it never sets status."""

    version = serializers.CharField()
    profile = serializers.CharField()
    present = serializers.ListField(child=serializers.CharField())
    act_documented = serializers.BooleanField()
    victim_rule = serializers.CharField()
    victim_rule_met = serializers.BooleanField()
    conclusion = serializers.CharField()
    explanation = serializers.ListField(child=serializers.CharField())
    dimensions = DimensionResultSerializer(many=True)


class ConsentRequestSerializer(serializers.Serializer):
    purpose = NamedChoiceField(enum_name="ConsentPurpose", choices=Consent.Purpose.choices)
    given = serializers.BooleanField()
    given_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralRequestSerializer(serializers.Serializer):
    to_organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(is_class=False))
    services = serializers.CharField(max_length=300)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Only without a recorded consent to referral, by a user holding the right to override. Audited.",
    )


class PeriodExtendSerializer(serializers.Serializer):
    new_end = serializers.DateField()
    reason = serializers.CharField(
        allow_blank=True,
        error_messages={"required": services.REASON_REQUIRED, "null": services.REASON_REQUIRED},
    )


class PeriodDecideSerializer(serializers.Serializer):
    decision = NamedChoiceField(enum_name="ReflectionPeriodDecision", choices=ReflectionPeriod.Decision.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Case.Status.choices)
    form = django_filters.ChoiceFilter(
        field_name="exploitation_forms__form", choices=ExploitationForm.Form.choices, label="Form of exploitation"
    )
    owner = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), label="Owning organisation")
    child = django_filters.BooleanFilter(
        method="filter_child", label="Children (true) or adults (false), by the year of birth or estimated age"
    )

    class Meta:
        model = Case
        fields = ["status", "form", "owner", "child"]

    def filter_child(self, queryset, name, value):
        return queryset.filter(CHILD_FILTER) if value else queryset.exclude(CHILD_FILTER)


UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CASE_ID = OpenApiParameter("uid", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The case's `id`.")
# The route takes digits only: a negative number would not reach the view.
PERIOD_ID = OpenApiParameter("period_id", {"type": "integer", "minimum": 0}, OpenApiParameter.PATH)
NOT_SEEN = OpenApiResponse(description="No such case, or one the user may not see.")
NOT_ALLOWED = OpenApiResponse(description="The user sees the case but may not do this.")
REFUSED = OpenApiResponse(description="The step is not allowed now: the service's message, by field.")


def _case_action(request_serializer, response_serializer, description: str, code: int = status.HTTP_200_OK):
    return extend_schema(
        parameters=[CASE_ID],
        request=request_serializer,
        responses={code: response_serializer, 400: REFUSED, 403: NOT_ALLOWED, 404: NOT_SEEN},
        description=description,
    )


@extend_schema_view(
    list=extend_schema(
        description=(
            "Cases of the user's organisation and those it accepted on referral (case workers, identification "
            "officers); every case for the National Coordinator. Never an identifier of the person."
        )
    ),
    create=extend_schema(
        request=CaseCreateSerializer,
        responses={201: CaseFullSerializer, 400: REFUSED},
        description="Records a potential victim for the user's organisation (case workers only).",
    ),
    retrieve=extend_schema(
        parameters=[
            CASE_ID,
            OpenApiParameter(
                REASON_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description=(
                    "Why you open a case you did not register; recorded in the audit trail. Preferred to "
                    "`?reason=`, which ends up in access logs. Percent-encode non-ASCII text (UTF-8)."
                ),
            ),
            OpenApiParameter(
                REASON_PARAMETER,
                OpenApiTypes.STR,
                description=f"The same as the {REASON_HEADER} header, when a header cannot be sent.",
            ),
        ],
        responses={
            200: CASE_DETAIL,
            400: OpenApiResponse(
                description=f"The reason is longer than {REASON_MAX_LENGTH} characters, or has a null character."
            ),
            403: OpenApiResponse(description="The case is not yours and no reason was given."),
            404: NOT_SEEN,
        },
        description=(
            "The case with the person's identifiers for those who work on it; pseudonymised (no identifier keys at "
            "all) for the National Coordinator. Every read is audited; a case the user did not register is opened "
            f"with a reason (the {REASON_HEADER} header, or ?reason=), recorded as case.open."
        ),
    ),
)
@method_decorator(sensitive_post_parameters(), name="dispatch")
class CaseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uid"
    lookup_value_regex = UUID_PATTERN
    filterset_class = CaseFilter
    # The list and creation need a case role; everything on one case answers 404 when the user may not see it.
    required_permissions = {"list": "cases.list_cases", "create": "cases.create_case"}

    @property
    def required_permission(self) -> str | None:
        return self.required_permissions.get(self.action)

    def get_permissions(self):
        return [HasViewPermission()] if self.required_permission else [IsAuthenticated()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Case.objects.none()
        cases = cases_pseudonymised(self.request.user).prefetch_related("exploitation_forms")
        return cases.order_by("-created_at", "pk")

    def get_serializer_class(self):
        return CaseCreateSerializer if self.action == "create" else CaseListSerializer

    def _visible_case(self) -> tuple[Case, bool]:
        """The case in the URL and whether the user sees it in full; 404 when the user may not see it at all.

        The person's identifiers are not loaded here, only for the full view (`_detail`). In the pseudonymised view
        `is_child` still reads the date of birth (one query); it is never sent.
        """
        user = self.request.user
        deferred = [f"person__{name}" for name in IDENTIFIERS]
        queryset = Case.objects.select_related("owner", "person").defer(*deferred)
        case = get_object_or_404(queryset, uid=self.kwargs["uid"])
        full = user.has_perm("cases.view_case", case)
        if not full and not user.has_perm("cases.view_case_pseudonymised", case):
            raise Http404
        return case, full

    def _changeable_case(self) -> Case:
        case, _full = self._visible_case()
        if not self.request.user.has_perm("cases.change_case", case):
            raise PermissionDenied(NOT_ALLOWED_ON_CASE)
        return case

    def _detail(self, case: Case, full: bool) -> dict:
        periods = "reflection_periods__extensions"
        prefetch_related_objects(
            [case],
            "exploitation_forms",
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("actor", "organisation")),
            Prefetch("indicator_assessments", queryset=IndicatorAssessment.objects.select_related("assessed_by")),
            periods,
            Prefetch("referrals", queryset=Referral.objects.select_related("from_organisation", "to_organisation")),
        )
        if not full:
            return CasePseudonymisedSerializer(case, context=self.get_serializer_context()).data
        case.person = Person.objects.get(pk=case.person_id)
        prefetch_related_objects([case], Prefetch("consents", queryset=Consent.objects.select_related("taken_by")))
        return CaseFullSerializer(case, context=self.get_serializer_context()).data

    def retrieve(self, request, *args, **kwargs):
        case, full = self._visible_case()
        user = request.user
        with transaction.atomic():
            if case.created_by_id != user.pk:
                reason = _access_reason(request)
                if not reason:
                    raise PermissionDenied(NOT_YOUR_CASE)
                if len(reason) > REASON_MAX_LENGTH:
                    raise serializers.ValidationError({"reason": [REASON_TOO_LONG.format(max=REASON_MAX_LENGTH)]})
                if "\x00" in reason:  # the audit trail could not store it (PostgreSQL text refuses NUL)
                    raise serializers.ValidationError({"reason": [REASON_NULL_CHARACTER]})
                event_record(actor=user, action="case.open", obj=case, reason=reason)
            event_record(actor=user, action="case.read" if full else "case.read_pseudonymised", obj=case)
        return Response(self._detail(case, full))

    def create(self, request, *args, **kwargs):
        serializer = CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = dict(data.pop("person"))
        with service_errors():
            case = services.case_create(actor=request.user, person=person, **data)
        case = Case.objects.select_related("owner").get(pk=case.pk)
        return Response(self._detail(case, full=True), status=status.HTTP_201_CREATED)

    @_case_action(
        StatusChangeRequestSerializer,
        CaseListSerializer,
        "Moves the legal status one step, with the reason. Identified / not identified is decided only by an "
        "identification officer of the competent body.",
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request, uid=None):
        case = self._changeable_case()
        serializer = StatusChangeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            case = services.case_change_status(case=case, actor=request.user, **serializer.validated_data)
        case = Case.objects.select_related("owner").prefetch_related("exploitation_forms").get(pk=case.pk)
        return Response(CaseListSerializer(case).data)

    @_case_action(
        IndicatorsRequestSerializer,
        AssessmentResultSerializer,
        "Runs the ILO/EC indicator assessment and keeps it with the case. It informs the officer; it never changes "
        "the legal status.",
        status.HTTP_201_CREATED,
    )
    @action(detail=True, methods=["post"], url_path="indicators", url_name="indicators")
    def assess_indicators(self, request, uid=None):
        case = self._changeable_case()
        serializer = IndicatorsRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            assessment = services.indicators_assess(
                case=case,
                actor=request.user,
                profile=data["profile"],
                present=set(data["present"]),
                act_documented=data["act_documented"],
            )
        return Response(AssessmentResultSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @_case_action(
        ConsentRequestSerializer,
        ConsentSerializer,
        "Records the person's informed consent (or refusal) for one purpose.",
        status.HTTP_201_CREATED,
    )
    @action(detail=True, methods=["post"], url_path="consents", url_name="consents")
    def record_consent(self, request, uid=None):
        case = self._changeable_case()
        serializer = ConsentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            consent = services.consent_record(case=case, actor=request.user, **serializer.validated_data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @_case_action(
        ReferralRequestSerializer,
        CaseReferralFullSerializer,
        "Refers the case to another organisation. Refused without a recorded consent to referral, unless a user "
        "holding the right to override gives the reason.",
        status.HTTP_201_CREATED,
    )
    @action(detail=True, methods=["post"], url_path="referrals", url_name="referrals")
    def refer(self, request, uid=None):
        case = self._changeable_case()
        serializer = ReferralRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            referral = services.referral_send(case=case, actor=request.user, **serializer.validated_data)
        return Response(CaseReferralFullSerializer(referral).data, status=status.HTTP_201_CREATED)

    def _period(self, period_id: str) -> ReflectionPeriod:
        case = self._changeable_case()
        return get_object_or_404(case.reflection_periods.select_related("case"), pk=period_id)

    @extend_schema(
        parameters=[CASE_ID, PERIOD_ID],
        request=PeriodExtendSerializer,
        responses={200: ReflectionPeriodFullSerializer, 400: REFUSED, 403: NOT_ALLOWED, 404: NOT_SEEN},
        description="Extends the recovery and reflection period, with the reason.",
    )
    @action(detail=True, methods=["post"], url_path=r"periods/(?P<period_id>[0-9]+)/extend", url_name="period-extend")
    def extend_period(self, request, uid=None, period_id=None):
        period = self._period(period_id)
        serializer = PeriodExtendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            period = services.period_extend(period=period, actor=request.user, **serializer.validated_data)
        return Response(ReflectionPeriodFullSerializer(period).data)

    @extend_schema(
        parameters=[CASE_ID, PERIOD_ID],
        request=PeriodDecideSerializer,
        responses={200: ReflectionPeriodFullSerializer, 400: REFUSED, 403: NOT_ALLOWED, 404: NOT_SEEN},
        description="Records how the period ended. Assistance never depends on it.",
    )
    @action(detail=True, methods=["post"], url_path=r"periods/(?P<period_id>[0-9]+)/decide", url_name="period-decide")
    def decide_period(self, request, uid=None, period_id=None):
        period = self._period(period_id)
        serializer = PeriodDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            period = services.period_decide(period=period, actor=request.user, **serializer.validated_data)
        return Response(ReflectionPeriodFullSerializer(period).data)


# Referrals received


class InboxReferralSerializer(serializers.ModelSerializer):
    """A referral to the user's organisation: the case's reference and what is asked, no identifier."""

    id = serializers.UUIDField(source="uid", read_only=True)
    case = serializers.CharField(source="case.reference", read_only=True)
    from_organisation_name = serializers.CharField(source="from_organisation.name", read_only=True)
    state = NamedChoiceField(enum_name="ReferralState", choices=Referral.State.choices, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "from_organisation",
            "from_organisation_name",
            "services",
            "sent_at",
            "state",
            "answered_at",
            "answer_reason",
        ]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text="true accepts (your organisation then works on the case).")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required to decline; recorded."
    )


@extend_schema_view(list=extend_schema(description="Referrals waiting for an answer from the user's organisation."))
class ReferralViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = InboxReferralSerializer
    lookup_field = "uid"
    lookup_value_regex = UUID_PATTERN
    permission_classes = [HasViewPermission]
    required_permission = "cases.create_case"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Referral.objects.none()
        referrals = Referral.objects.filter(to_organisation_id=self.request.user.organisation_id)
        if self.action == "list":
            referrals = referrals.filter(state=Referral.State.PENDING)
        return referrals.select_related("case", "from_organisation")

    @extend_schema(
        request=AnswerSerializer,
        responses={200: InboxReferralSerializer, 400: REFUSED, 404: OpenApiResponse(description="Not to you.")},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, uid=None):
        """Accepts the referral (your organisation then works on the case) or declines it with a reason."""
        referral = self.get_object()
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            referral = services.referral_answer(referral=referral, actor=request.user, **serializer.validated_data)
        return Response(InboxReferralSerializer(referral).data)
