from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from cases.api import CaseViewSet, ReferralViewSet
from ctims import views
from lib.registers import REGISTERS, viewset
from monitoring.api import DashboardView, ReportViewSet, RoundViewSet
from organisations.api import OrganisationViewSet
from plans.api import DirectionViewSet, MeasureViewSet, PlanViewSet

router = DefaultRouter()
router.register("plans", PlanViewSet)
router.register("directions", DirectionViewSet)
router.register("measures", MeasureViewSet)
router.register("organisations", OrganisationViewSet)
router.register("rounds", RoundViewSet, basename="round")
router.register("reports", ReportViewSet, basename="report")
router.register("cases", CaseViewSet, basename="case")
router.register("referrals", ReferralViewSet, basename="referral")
for register in REGISTERS.values():
    router.register(register.name, viewset(register), basename=f"api-{register.name}")

admin.site.site_header = _("CTIMS administration")
admin.site.site_title = "CTIMS"

urlpatterns = [
    path("", views.home, name="home"),
    path("ping/", views.ping, name="ping"),
    path("health/", views.health, name="health"),
    path("accounts/", include("accounts.urls")),
    path("", include("plans.urls")),
    path("", include("organisations.urls")),
    path("", include("monitoring.urls")),
    path("", include("cases.urls")),
    path("registers/", views.register_index, name="registers"),
    path("", include("prevention.urls")),
    path("", include("hotline.urls")),
    path("", include("prosecution.urls")),
    path("", include("partners.urls")),
    path("", include("reports.urls")),
    path("api/dashboard/<int:round_id>/", DashboardView.as_view(), name="api-dashboard"),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
