from django.test import override_settings
from django.urls import reverse

from ctims.testing import PASSWORD, BaseTestCase


class LoginTests(BaseTestCase):
    url = reverse("accounts-login")

    def post(self, username: str, password: str, **extra):
        return self.client.post(self.url, {"username": username, "password": password}, **extra)

    def test_it_signs_in_with_the_right_password(self):
        response = self.post("bob", PASSWORD)
        self.assertRedirects(response, reverse("home"))
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.bob.pk)

    def test_a_wrong_password_is_explained_at_the_top_and_nobody_is_signed_in(self):
        response = self.post("bob", "not-the-password")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "Please enter a correct username and password.")
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_the_account_is_locked_after_repeated_failures(self):
        for _attempt in range(3):
            self.post("bob", "wrong")
        response = self.post("bob", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many failed sign-in attempts", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_failures_from_one_address_do_not_lock_out_the_same_user_elsewhere(self):
        for _attempt in range(3):
            self.post("bob", "wrong", REMOTE_ADDR="10.0.0.1")
        response = self.post("bob", PASSWORD, REMOTE_ADDR="10.0.0.2")
        self.assertRedirects(response, reverse("home"))

    def test_signing_out_needs_a_post_and_ends_the_session(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("accounts-logout")).status_code, 405)
        self.client.post(reverse("accounts-logout"))
        self.assertNotIn("_auth_user_id", self.client.session)


class PasswordChangeTests(BaseTestCase):
    url = reverse("accounts-password")

    def test_it_changes_the_password(self):
        self.login(self.bob)
        response = self.client.post(
            self.url,
            {
                "old_password": PASSWORD,
                "new_password1": "a-much-longer-secret-9",
                "new_password2": "a-much-longer-secret-9",
            },
        )
        self.assertRedirects(response, reverse("accounts-profile"))
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.check_password("a-much-longer-secret-9"))

    def test_a_weak_new_password_is_refused_with_the_reason(self):
        self.login(self.bob)
        response = self.client.post(
            self.url, {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
        )
        self.assertContains(response, "This password is too short. It must contain at least 10 characters.")
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.check_password(PASSWORD))

    def test_anonymous_user_is_sent_to_sign_in(self):
        self.assertRedirects(self.client.get(self.url), f"{reverse('accounts-login')}?next={self.url}")
