"""REST API for monitoring: rounds, the bodies' progress reports and their review, and the dashboard's figures.

The same rules as the pages (monitoring.rules): a report the user may not read is not there (404); one the user may
read but not change in that way is refused (403); a step the workflow does not allow now is a 400 with the
service's message. Every change goes through monitoring.services, except a report's result and spending rows (there
is no service for them yet): they are replaced here, in the same transaction, after services.report_update has
checked that the report may still change.
"""

import django_filters
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.decorators import HasViewPermission
from lib.errors import service_errors
from monitoring import rules as monitoring_rules
from monitoring import selectors, services
from monitoring.models import (
    MeasureStatus,
    PeriodType,
    Progress,
    ProgressReport,
    ReportAttachment,
    ReportingRound,
    ReportResult,
    ReportSpending,
    ReportTransition,
)
from organisations.models import Organisation
from plans.models import Measure, Plan

Status = ProgressReport.Status

REPORT_EXPECTED_UPDATE_IT = _(
    "{organisation} already has a report on measure {measure} in this round (report {report}): "
    "update it (PATCH /api/reports/{report}/) instead of creating another."
)
MEASURE_NOT_IN_ROUND_PLAN = _("Measure {measure} is not part of the plan this round reports on.")


# Rounds


class RoundSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ReportingRound
        fields = ["id", "plan", "period_type", "year", "period_number", "label", "opens_on", "due_on", "state"]
        read_only_fields = fields


class RoundOpenSerializer(serializers.Serializer):
    """A period to open. The service checks it (its number, its dates, the plan's years, not opened twice)."""

    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all())
    period_type = serializers.ChoiceField(choices=PeriodType.choices, default=PeriodType.YEAR)
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    period_number = serializers.IntegerField(
        default=1, help_text="1 for a year; 1–2 for a half-year; 1–4 for a quarter."
    )
    opens_on = serializers.DateField()
    due_on = serializers.DateField()


@extend_schema_view(
    create=extend_schema(
        request=RoundOpenSerializer,
        responses={201: RoundSerializer},
        description="Opens a round (National Coordinator only) and creates the reports expected of the executors.",
    ),
)
class RoundViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ReportingRound.objects.all()
    serializer_class = RoundSerializer
    permission_classes = [HasViewPermission]
    required_permission = "monitoring.view_rounds"
    filterset_fields = ["plan", "state"]

    def _require_manager(self) -> None:
        if not self.request.user.has_perm("monitoring.manage_rounds"):
            raise PermissionDenied

    def create(self, request, *args, **kwargs):
        self._require_manager()
        serializer = RoundOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            reporting_round = services.round_open(actor=request.user, **serializer.validated_data)
        return Response(RoundSerializer(reporting_round).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Closes the round (National Coordinator only): its reports can then no longer be changed or submitted."""
        reporting_round = self.get_object()
        self._require_manager()
        with service_errors():
            services.round_close(reporting_round=reporting_round, actor=request.user)
        return Response(RoundSerializer(reporting_round).data)


# Reports


class ReportResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportResult
        fields = ["indicator", "unit", "value"]


class ReportSpendingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportSpending
        fields = ["source", "amount", "currency"]


class ReportTransitionSerializer(serializers.ModelSerializer):
    # Plain strings in the schema: as enums they would give the report statuses a second and third name.
    from_status = serializers.CharField(read_only=True, help_text="The report's status before: see `status`.")
    to_status = serializers.CharField(read_only=True, help_text="The report's status after: see `status`.")
    actor = serializers.CharField(source="actor.username", read_only=True)

    class Meta:
        model = ReportTransition
        fields = ["from_status", "to_status", "actor", "at", "comment"]


class ReportAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = ReportAttachment
        fields = ["original_name", "size", "content_type", "url"]


class ReportSerializer(serializers.ModelSerializer):
    # Blank until the organisation says how far the measure got (a read-only model field loses `allow_blank`).
    progress = serializers.ChoiceField(choices=Progress.choices, allow_blank=True, read_only=True)
    round_label = serializers.CharField(source="round.label", read_only=True)
    measure_number = serializers.CharField(source="measure.number", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    results = ReportResultSerializer(many=True, read_only=True)
    spending = ReportSpendingSerializer(many=True, read_only=True)
    transitions = ReportTransitionSerializer(many=True, read_only=True)
    attachments = ReportAttachmentSerializer(many=True, read_only=True)
    evidence = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="key",
        help_text="Register entries cited, as '<register>:<uid>' (e.g. 'trainings:…').",
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "round",
            "round_label",
            "measure",
            "measure_number",
            "organisation",
            "organisation_name",
            "expected",
            "status",
            "progress",
            "narrative",
            "late",
            "first_submitted_at",
            "submitted_at",
            "accepted_at",
            "results",
            "spending",
            "transitions",
            "attachments",
            "evidence",
        ]
        read_only_fields = fields


class ReportUpdateSerializer(serializers.ModelSerializer):
    """What a focal point writes. `results` and `spending`, when given, replace the report's rows."""

    results = ReportResultSerializer(many=True, required=False)
    spending = ReportSpendingSerializer(many=True, required=False)
    evidence = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        write_only=True,  # read back as ReportSerializer's evidence; the browsable API's form cannot show it
        help_text="Register entries to cite, as '<register>:<uid>'; replaces those cited before.",
    )

    class Meta:
        model = ProgressReport
        fields = ["progress", "narrative", "results", "spending", "evidence"]


class ReportCreateSerializer(ReportUpdateSerializer):
    """A report the organisation was not expected to write. The organisation is always the user's own."""

    class Meta(ReportUpdateSerializer.Meta):
        fields = ["round", "measure", *ReportUpdateSerializer.Meta.fields]
        validators = []  # the service says clearly when the organisation already has this report

    def validate(self, attrs):
        if attrs["measure"].plan_id != attrs["round"].plan_id:
            raise serializers.ValidationError(
                {"measure": MEASURE_NOT_IN_ROUND_PLAN.format(measure=attrs["measure"].number)}
            )
        return attrs


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(
        allow_blank=True,
        error_messages={"required": services.RETURN_NEEDS_COMMENT, "null": services.RETURN_NEEDS_COMMENT},
    )


class AcceptSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class ReportFilter(django_filters.FilterSet):
    round = django_filters.ModelChoiceFilter(queryset=ReportingRound.objects.all())
    measure = django_filters.ModelChoiceFilter(queryset=Measure.objects.all())
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all())

    class Meta:
        model = ProgressReport
        fields = ["round", "measure", "organisation", "status", "expected"]


# A permission on a report → (who may do this at all, why the report's state does not allow it now).
# The rules may fold the state into the permission; the API still answers 400 with the reason, not 403.
STEPS = {
    "monitoring.write_report": (
        monitoring_rules.is_focal_point & monitoring_rules.is_own_organisations,
        services.why_not_editable,
    ),
    "monitoring.review_report": (monitoring_rules.is_coordinator, services.why_not_reviewable),
}


def _replace_rows(report: ProgressReport, related: str, model, rows: list[dict]) -> None:
    getattr(report, related).all().delete()
    objects = [model(report=report, **row) for row in rows]
    for obj in objects:
        obj.full_clean()
    model.objects.bulk_create(objects)


def _write(report: ProgressReport, actor, data: dict) -> None:
    """Saves what a focal point wrote, in the caller's transaction; the service checks the report may change."""
    services.report_update(
        report=report,
        actor=actor,
        progress=data.get("progress", report.progress),
        narrative=data.get("narrative", report.narrative),
    )
    if "results" in data:
        _replace_rows(report, "results", ReportResult, data["results"])
    if "spending" in data:
        _replace_rows(report, "spending", ReportSpending, data["spending"])
    if "evidence" in data:
        services.report_evidence_set(report=report, actor=actor, keys=data["evidence"])


@extend_schema_view(
    create=extend_schema(
        request=ReportCreateSerializer,
        responses={201: ReportSerializer},
        description=(
            "Starts a report the user's organisation was not expected to write (an involved or recommended body, "
            "reporting on its own initiative). Focal points only; the organisation is the user's own."
        ),
    ),
    update=extend_schema(request=ReportUpdateSerializer, responses=ReportSerializer),
    partial_update=extend_schema(request=ReportUpdateSerializer, responses=ReportSerializer),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportSerializer
    permission_classes = [HasViewPermission]
    required_permission = "monitoring.list_reports"
    filterset_class = ReportFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ProgressReport.objects.none()
        transitions = Prefetch("transitions", queryset=ReportTransition.objects.select_related("actor"))
        return selectors.reports_visible_to(self.request.user).prefetch_related(
            "results", "spending", transitions, "attachments", "evidence"
        )

    def get_serializer_class(self):
        if self.action == "create":
            return ReportCreateSerializer
        if self.action in ("update", "partial_update"):
            return ReportUpdateSerializer
        return ReportSerializer

    def _report(self, perm: str) -> ProgressReport:
        """The report in the URL: 404 when the user may not read it, 403 when the user may not do this with it,
        400 when the user may but the report's state does not allow it now."""
        report = self.get_object()
        user = self.request.user
        if not user.has_perm(perm, report):
            who, why_not = STEPS[perm]
            reason = why_not(report) if who.test(user, report) else None
            if reason is None:
                raise PermissionDenied
            with service_errors():
                raise reason
        return report

    def _respond(self, report: ProgressReport, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=report.pk)
        return Response(ReportSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        user = request.user
        if not user.has_perm("monitoring.start_report"):
            raise PermissionDenied
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reporting_round, measure = data.pop("round"), data.pop("measure")
        existing = ProgressReport.objects.filter(round=reporting_round, measure=measure, organisation=user.organisation)
        existing = existing.filter(status__in=[Status.DRAFT, Status.RETURNED]).first()
        if existing and reporting_round.is_open:
            message = REPORT_EXPECTED_UPDATE_IT.format(
                organisation=user.organisation, measure=measure.number, report=existing.pk
            )
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})
        with service_errors(), transaction.atomic():
            report = services.report_start(
                reporting_round=reporting_round, measure=measure, organisation=user.organisation, actor=user
            )
            _write(report, user, data)
        return self._respond(report, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        report = self._report("monitoring.write_report")
        serializer = ReportUpdateSerializer(report, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        with service_errors(), transaction.atomic():
            _write(report, request.user, serializer.validated_data)
        return self._respond(report)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Sends a draft or returned report to the National Coordinator."""
        report = self._report("monitoring.write_report")
        with service_errors():
            services.report_submit(report=report, actor=request.user)
        return self._respond(report)

    @extend_schema(request=ReturnSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request, pk=None):
        """Returns a submitted report to its organisation, saying what should change (National Coordinator)."""
        report = self._report("monitoring.review_report")
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.report_return(report=report, actor=request.user, comment=serializer.validated_data["comment"])
        return self._respond(report)

    @extend_schema(request=AcceptSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accepts a submitted report (National Coordinator); it is then locked for good."""
        report = self._report("monitoring.review_report")
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.report_accept(report=report, actor=request.user, comment=serializer.validated_data["comment"])
        return self._respond(report)


# Dashboard


class DashboardRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


@extend_schema_field({"type": "object", "properties": {code: {"type": "integer"} for code in MeasureStatus.values}})
class StatusCountsField(serializers.DictField):
    child = serializers.IntegerField()


class DashboardDirectionSerializer(serializers.Serializer):
    direction = serializers.CharField()
    title = serializers.CharField()
    statuses = StatusCountsField()


class DashboardComplianceSerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField()
    organisation = serializers.CharField()
    expected = serializers.IntegerField()
    submitted = serializers.IntegerField(help_text="Submitted at least once.")
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    returned = serializers.IntegerField(help_text="Waiting for a correction.")
    accepted = serializers.IntegerField()
    missing = serializers.IntegerField(help_text="Never submitted.")


class DashboardSerializer(serializers.Serializer):
    """The shape of selectors.Dashboard.as_dict() (for the schema)."""

    round = DashboardRoundSerializer()
    status_totals = StatusCountsField(help_text="Measures in each status in this round.")
    by_direction = DashboardDirectionSerializer(many=True)
    overdue = serializers.ListField(child=serializers.CharField(), help_text="Numbers of the overdue measures.")
    compliance = DashboardComplianceSerializer(many=True)
    not_reported = serializers.ListField(
        child=serializers.CharField(), help_text="Organisations with expected reports not yet submitted."
    )


class DashboardView(APIView):
    permission_classes = [HasViewPermission]
    required_permission = "monitoring.view_dashboard"

    @extend_schema(
        # The route takes digits only (<int:round_id>): a negative number would not reach the view.
        parameters=[OpenApiParameter("round_id", {"type": "integer", "minimum": 0}, OpenApiParameter.PATH)],
        responses=DashboardSerializer,
    )
    def get(self, request, round_id: int):
        """The round's figures: measures by status (overall and by direction), overdue measures, compliance."""
        reporting_round = get_object_or_404(ReportingRound.objects.select_related("plan"), pk=round_id)
        return Response(selectors.dashboard(reporting_round).as_dict())
