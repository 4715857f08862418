from django.urls import path

from cases import views

urlpatterns = [
    # /cases/
    path("cases/", views.case_list, name="cases-list"),
    path("cases/new/", views.case_create, name="cases-create"),
    path("cases/referrals/", views.referral_inbox, name="cases-referrals"),
    path("cases/facilities/", views.facility_list, name="cases-facilities"),
    path("cases/referrals/<int:referral_id>/answer/", views.referral_answer, name="cases-referral-answer"),
    # /cases/<reference>/ — a reference code such as NRM-2026-00042, never a name
    path("cases/<str:reference>/", views.case_detail, name="cases-detail"),
    path("cases/<str:reference>/status/", views.case_status, name="cases-status"),
    path("cases/<str:reference>/indicators/", views.case_assess, name="cases-assess"),
    path("cases/<str:reference>/consent/", views.case_consent, name="cases-consent"),
    path("cases/<str:reference>/refer/", views.case_refer, name="cases-refer"),
    path("cases/<str:reference>/periods/<int:period_id>/extend/", views.period_extend, name="cases-period-extend"),
    path("cases/<str:reference>/periods/<int:period_id>/decide/", views.period_decide, name="cases-period-decide"),
    path("cases/<str:reference>/care/<slug:action>/", views.case_care_action, name="cases-care"),
]
