from django.contrib import admin

from plans.models import Direction, Measure, Participation, Plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "country", "start_year", "end_year", "adopted"]
    search_fields = ["title"]


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan"]
    list_select_related = ["plan"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["number", "short_text", "duration", "plan"]
    list_filter = ["plan", "direction", "recurring"]
    list_select_related = ["plan", "direction"]
    search_fields = ["number", "text"]
    inlines = [ParticipationInline]
