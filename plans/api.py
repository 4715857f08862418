"""Read-only REST API for plans, directions and measures."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from accounts.decorators import HasViewPermission
from organisations.models import Organisation
from plans.models import Direction, Measure, Participation, Plan
from plans.selectors import measure_list


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["id", "title", "country", "start_year", "end_year", "adopted", "predecessor"]


class DirectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Direction
        fields = ["id", "plan", "number", "title"]


class ParticipantSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Participation
        fields = ["organisation", "organisation_name", "role"]


class MeasureSerializer(serializers.ModelSerializer):
    direction_number = serializers.CharField(source="direction.number", read_only=True)
    participants = ParticipantSerializer(source="participations", many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "plan",
            "direction",
            "direction_number",
            "number",
            "text",
            "start_year",
            "end_year",
            "recurring",
            "participants",
        ]


class MeasureFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all())
    direction = django_filters.ModelChoiceFilter(queryset=Direction.objects.all())
    organisation = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(queryset=Organisation.objects.all(), method="filter_taking_part")
    )
    role = django_filters.ChoiceFilter(choices=Participation.Role.choices, method="filter_taking_part")
    q = django_filters.CharFilter(method="filter_search", label="Words in the activity, number or a body's name")

    class Meta:
        model = Measure
        fields = ["plan", "direction", "recurring"]

    def filter_taking_part(self, queryset, name, value):
        # organisation and role combine: "measures where this body is an executor".
        data = self.form.cleaned_data
        chosen = measure_list(organisation=data.get("organisation"), role=data.get("role") or None)
        return queryset.filter(pk__in=chosen.values("pk"))

    def filter_search(self, queryset, name, value):
        return queryset.filter(pk__in=measure_list(search=value).values("pk"))


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Plan.objects.order_by("-start_year", "pk")
    serializer_class = PlanSerializer
    permission_classes = [HasViewPermission]
    required_permission = "plans.view_plan"


class DirectionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Direction.objects.order_by("plan", "position")
    serializer_class = DirectionSerializer
    permission_classes = [HasViewPermission]
    required_permission = "plans.view_plan"
    filterset_fields = ["plan"]


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = measure_list()
    serializer_class = MeasureSerializer
    permission_classes = [HasViewPermission]
    required_permission = "plans.view_plan"
    filterset_class = MeasureFilter
