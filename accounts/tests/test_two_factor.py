from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ctims.testing import PASSWORD, BaseTestCase, totp_device, totp_now


class TwoFactorTests(BaseTestCase):
    def sign_in_with_password(self, user):
        response = self.client.post(reverse("accounts-login"), {"username": user.username, "password": PASSWORD})
        self.assertEqual(response.status_code, 302)

    def test_a_case_worker_without_a_device_must_set_one_up_before_anything_else(self):
        self.sign_in_with_password(self.carol)
        response = self.client.get(reverse("plans-list"))
        self.assertRedirects(response, f"{reverse('accounts-two-factor-setup')}?next=%2Fplans%2F")

    def test_setting_up_an_authenticator_with_a_right_code_turns_it_on(self):
        self.sign_in_with_password(self.carol)
        page = self.client.get(reverse("accounts-two-factor-setup"))
        self.assertContains(page, "<svg")
        device = TOTPDevice.objects.get(user=self.carol, confirmed=False)
        response = self.client.post(
            reverse("accounts-two-factor-setup"), {"token": totp_now(device), "next": "/plans/"}
        )
        self.assertRedirects(response, "/plans/")
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(self.client.get(reverse("plans-list")).status_code, 200)

    def test_a_wrong_code_is_explained_and_the_device_stays_off(self):
        self.sign_in_with_password(self.carol)
        self.client.get(reverse("accounts-two-factor-setup"))
        response = self.client.post(reverse("accounts-two-factor-setup"), {"token": "000000"})
        self.assertContains(response, "That code is not right.")
        self.assertFalse(TOTPDevice.objects.get(user=self.carol).confirmed)

    def test_a_user_with_a_device_must_enter_a_code_after_the_password(self):
        device = totp_device(self.carol)
        self.sign_in_with_password(self.carol)
        self.assertRedirects(self.client.get("/plans/"), f"{reverse('accounts-verify')}?next=%2Fplans%2F")
        response = self.client.post(reverse("accounts-verify"), {"token": totp_now(device), "next": "/plans/"})
        self.assertRedirects(response, "/plans/")
        self.assertEqual(self.client.get("/plans/").status_code, 200)

    def test_a_verify_page_does_not_redirect_to_another_site(self):
        device = totp_device(self.bob)
        self.sign_in_with_password(self.bob)
        response = self.client.post(
            reverse("accounts-verify"), {"token": totp_now(device), "next": "https://evil.example/"}
        )
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)

    def test_the_api_refuses_a_case_worker_who_has_not_used_the_second_factor(self):
        totp_device(self.carol)
        self.sign_in_with_password(self.carol)
        response = self.client.get("/api/measures/")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"detail": "Two-factor authentication is required."})

    def test_roles_without_case_data_may_work_without_a_second_factor(self):
        self.sign_in_with_password(self.bob)
        self.assertEqual(self.client.get("/plans/").status_code, 200)

    def test_any_user_can_turn_on_the_second_factor(self):
        self.sign_in_with_password(self.olga)
        self.client.get(reverse("accounts-two-factor-setup"))
        device = TOTPDevice.objects.get(user=self.olga)
        self.client.post(reverse("accounts-two-factor-setup"), {"token": totp_now(device)})
        self.assertContains(self.client.get(reverse("accounts-profile")), "tag-ok")

    def test_pages_waiting_for_the_second_factor_show_no_navigation(self):
        self.sign_in_with_password(self.carol)
        page = self.client.get(reverse("accounts-two-factor-setup"))
        self.assertNotContains(page, 'href="/plans/"')
        self.assertContains(page, "Sign out")
