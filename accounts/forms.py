import math

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

TOKEN_INVALID = _("That code is not right. Enter the 6-digit code your authenticator app shows now.")
TOKEN_THROTTLED = ngettext_lazy(
    "Too many wrong codes. Wait %(seconds)d second, then enter the code your authenticator app shows.",
    "Too many wrong codes. Wait %(seconds)d seconds, then enter the code your authenticator app shows.",
    "seconds",
)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("6 digits. The code changes every 30 seconds."),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "class": "input-short",
            }
        ),
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        # django-otp doubles the wait after each wrong code; the row lock makes simultaneous guesses count one by one
        # (as django_otp.verify_token does), so they cannot all slip through before the first failure is saved.
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=self.device.pk)
            allowed, throttle = device.verify_is_allowed()
            verified = allowed and token.isdigit() and device.verify_token(token)
        if not allowed:
            seconds = math.ceil((throttle["locked_until"] - timezone.now()).total_seconds())
            raise forms.ValidationError(TOKEN_THROTTLED % {"seconds": max(seconds, 1)})
        if not verified:
            raise forms.ValidationError(TOKEN_INVALID)
        return token
