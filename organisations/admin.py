from django.contrib import admin

from organisations.models import Organisation, OrganisationAlias


class AliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_class", "parent"]
    list_filter = ["kind", "is_class"]
    search_fields = ["name", "aliases__name"]
    autocomplete_fields = ["parent"]
    inlines = [AliasInline]
