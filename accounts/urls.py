from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="accounts-login"),
    path("logout/", auth_views.LogoutView.as_view(), name="accounts-logout"),
    path("password/", views.PasswordChangeView.as_view(), name="accounts-password"),
    path("profile/", views.profile, name="accounts-profile"),
    path("two-factor/", views.two_factor_setup, name="accounts-two-factor-setup"),
    path("two-factor/verify/", views.verify, name="accounts-verify"),
]
