"""Each view names the permission it needs; anonymous users go to the login page, others without it get 403."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework.permissions import BasePermission


def permission_required(perm: str, *, hide: bool = False):
    """`hide`: answer 404 rather than 403, for pages about one object whose existence must not show (a case)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm):
                raise Http404 if hide else PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permission = perm
        return wrapped

    return decorator


class HasViewPermission(BasePermission):
    """API views set `required_permission`; the user must hold it."""

    def has_permission(self, request, view) -> bool:
        perm = getattr(view, "required_permission", None)
        return bool(perm and request.user.is_authenticated and request.user.has_perm(perm))
