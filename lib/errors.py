"""A service's ValidationError, shown where the user sees it: on a form's fields, or as an API 400."""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.settings import api_settings


def form_add_errors(form, error: DjangoValidationError) -> None:
    """Puts the error on the form: on its field when it names one the form has, else at the top."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


@contextmanager
def service_errors():
    """Turns a django ValidationError raised inside the block into a DRF 400 that keeps the field keys."""
    try:
        yield
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            detail = {
                (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
                for field, messages in error.message_dict.items()
            }
        else:
            detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
        raise serializers.ValidationError(detail) from error
