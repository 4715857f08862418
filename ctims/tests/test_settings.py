import os
import subprocess
import sys
from pathlib import Path

from django.db import connection
from django.test import SimpleTestCase, TestCase

ROOT = Path(__file__).resolve().parents[2]
SECRET = "k3y-" + "x9Qv2Lm8Rt5Wz1Np7Hs4Jd6Fb0Cy3Ge8Ua2Ko5Mi1" * 2


def manage(*args: str, without: tuple[str, ...] = (), **env: str) -> subprocess.CompletedProcess:
    dropped = {"DEBUG", "SECRET_KEY", "HTTPS", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", *without}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "ctims.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


class DeploySettingsTests(SimpleTestCase):
    def test_production_settings_pass_the_deploy_check_without_warnings(self):
        result = manage(
            "check", "--deploy", "--fail-level", "WARNING",
            DEBUG="false", SECRET_KEY=SECRET, HTTPS="true", ALLOWED_HOSTS="ctims.example.gov.az",
        )  # fmt: skip
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues", result.stdout)

    def test_without_https_the_deploy_check_warns(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="false", SECRET_KEY=SECRET)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECURE_SSL_REDIRECT", result.stdout + result.stderr)

    def test_production_refuses_to_start_without_a_secret_key(self):
        result = manage("check", DEBUG="false")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY", result.stderr)

    def test_production_refuses_to_start_without_encryption_keys(self):
        for missing in ("FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"):
            with self.subTest(missing=missing):
                result = manage("check", without=(missing,), DEBUG="false", SECRET_KEY=SECRET)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(missing, result.stderr)


class DatabaseTests(TestCase):
    def test_the_suite_runs_on_the_database_the_environment_names(self):
        expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
        self.assertEqual(connection.vendor, expected)
