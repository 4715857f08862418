"""Settings for the test suite: the real settings plus the speed-ups tests need, in one place."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-django-checks-0123456789")
# Two fixed test keys: the first encrypts, the second only decrypts (as during a key rotation).
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS",
    "dGVzdC1rZXktb25lLWZvci1jdGltcy1lbmNyeXB0aSE=,dGVzdC1rZXktdHdvLWZvci1jdGltcy1lbmNyeXB0aSE=",
)
os.environ.setdefault("FIELD_HASH_KEY", "test-only-hash-key")
os.environ.setdefault("BACKUP_KEY", "dGVzdC1vbmx5LWJhY2t1cC1rZXktZm9yLWN0aW1zISE=")

from ctims.settings import *  # noqa: E402, F403

# For speed: a fast hasher, and static files served from the finders without a collected manifest.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (whitenoise warns when its root is missing)

# Uploaded files go to a throwaway folder per test run.
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ctims-private-"))
STORAGES["private"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
