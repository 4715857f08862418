"""Second factor: a user who has a TOTP device must use it; a user of a case-data role must have one. Idle timeout:
a user of a case-data role is signed out after a while without activity."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

# Pages a signed-in user can reach before the second factor: to set it up, to use it, or to leave.
EXEMPT_URL_NAMES = ("accounts-login", "accounts-logout", "accounts-verify", "accounts-two-factor-setup", "set_language")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        request.second_factor_pending = False
        if user.is_authenticated and not user.is_verified():
            if user_has_device(user, confirmed=True):
                request.second_factor_pending = True
                if not self._is_exempt(request):
                    return self._refuse(request, "accounts-verify")
            elif user.needs_second_factor:
                request.second_factor_pending = True
                if not self._is_exempt(request):
                    return self._refuse(request, "accounts-two-factor-setup")
        return self.get_response(request)

    @staticmethod
    def _is_exempt(request) -> bool:
        exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
        return request.path in exempt or request.path.startswith("/static/")

    @staticmethod
    def _refuse(request, url_name: str):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Two-factor authentication is required.")}, status=403)
        return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")


class IdleTimeoutMiddleware:
    """Signs out a user of a case-data role after `IDLE_TIMEOUT_MINUTES` without a request: a case left open on an
    unattended screen closes itself. Other roles keep the session's ordinary lifetime.

    The time of the last request is written at sign-in (`start_idle_clock`) and then at most once a minute, so that
    a request does not cost a session write."""

    SESSION_KEY = "last_activity"
    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.handles_case_data:
            now = int(time.time())
            last = request.session.get(self.SESSION_KEY)
            if last is not None and now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                return self._signed_out(request)
            if last is None or now - last >= self.REFRESH_SECONDS:
                request.session[self.SESSION_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _signed_out(request):
        message = _("You were signed out after %(minutes)s minutes without activity.") % {
            "minutes": settings.IDLE_TIMEOUT_MINUTES
        }
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")


def start_idle_clock(sender, request, user, **kwargs) -> None:
    """At sign-in (the user_logged_in signal), while the new session is being written anyway."""
    if request is not None and hasattr(request, "session"):
        request.session[IdleTimeoutMiddleware.SESSION_KEY] = int(time.time())
