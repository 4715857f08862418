import django_filters
from django.db.models import Q
from rest_framework import serializers, viewsets

from accounts.decorators import HasViewPermission
from organisations.models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "is_class", "parent", "aliases"]


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Part of the name or of a spelling")

    class Meta:
        model = Organisation
        fields = ["kind", "is_class"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(aliases__name__icontains=value)).distinct()


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Organisation.objects.prefetch_related("aliases").order_by("name")
    serializer_class = OrganisationSerializer
    permission_classes = [HasViewPermission]
    required_permission = "organisations.view_organisation"
    filterset_class = OrganisationFilter
