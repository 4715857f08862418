from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import CASE_DATA_ROLES, Role

SYSADMIN_WITH_CASE_ROLE = _(
    "A system administrator cannot also hold a role that sees case data (case worker, identification officer, "
    "hotline operator, prosecution analyst). Use two separate accounts."
)


class UserChangeForm(BaseUserAdmin.form):
    def clean(self):
        cleaned = super().clean()
        names = {group.name for group in cleaned.get("groups") or []}
        if Role.SYSADMIN in names and names & CASE_DATA_ROLES:
            raise forms.ValidationError(SYSADMIN_WITH_CASE_ROLE)
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    list_display = ["username", "get_full_name", "organisation", "is_active", "last_login"]
    list_filter = ["organisation__kind", "groups", "is_active", "is_staff"]
    list_select_related = ["organisation"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "organisation")}),
        # No superuser box: a superuser bypasses every rule, case data included. Only `createsuperuser` makes one.
        (_("Roles"), {"fields": ("groups", "is_active", "is_staff")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "organisation", "password1", "password2")}),)

    def get_readonly_fields(self, request, obj=None):
        # No one changes their own roles: an administrator could otherwise grant himself access to anything.
        if obj is not None and obj.pk == request.user.pk:
            return [*super().get_readonly_fields(request, obj), "groups", "is_staff", "is_active"]
        return super().get_readonly_fields(request, obj)
