"""While the database cannot be reached (a restart, a crash, a failover), every request gets a short 503 page, or a
JSON 503 under /api/, instead of a server error. Once the database is back, Django reconnects by itself (see
CONN_HEALTH_CHECKS in the settings)."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
UNAVAILABLE = "_database_unavailable"
UNAVAILABLE_DETAIL = _("The service is temporarily unavailable. Try again in a few minutes.")


class DatabaseUnavailableMiddleware:
    """Answers 503 when anything below it failed for want of the database.

    Django turns an exception into a 500 response in the layer where it was raised (the session or the user is
    loaded in other middleware, before any view), so no middleware above sees the exception itself; the
    got_request_exception signal, sent before that 500 is made, marks the request instead. Keep this middleware
    above every one that reads the database, and below those that only add headers (security, CSP).
    """

    def __init__(self, get_response):
        if settings.DEBUG:
            raise MiddlewareNotUsed  # a developer gets Django's page that says what failed
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, UNAVAILABLE, None)
        if error is None:
            return response
        # What failed, and nothing of the request (path, user, data).
        logger.error("The database is unavailable, answered 503: %s: %s", type(error).__name__, error)
        return unavailable(request)


@receiver(got_request_exception, dispatch_uid="ctims-database-unavailable")
def _mark_database_unavailable(sender, request=None, **kwargs) -> None:
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        setattr(request, UNAVAILABLE, error)


def unavailable(request) -> HttpResponse:
    """The 503 answer, with no detail of the failure; the page reads neither the user nor the session."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": UNAVAILABLE_DETAIL}, status=503)
    return HttpResponse(render_to_string("503.html"), status=503)
