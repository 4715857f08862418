from django.urls import path

from cases import views

urlpatterns = [
    # /cases/
    path("cases/", views.case_list, name="cases-list"),
    path("cases/new/", views.case_create, name="cases-create"),
    path("cases/referrals/", views.referral_inbox, name="cases-referrals"),
    path("cases/facilities/", views.facility_list, name="cases-facilities"),
    path("cases/referrals/<uuid:uid>/answer/", views.referral_answer, name="cases-referral-answer"),
    # /cases/<uid>/ — a random uid: never a name, nor the reference code (a sequence anyone could walk)
    path("cases/<uuid:uid>/", views.case_detail, name="cases-detail"),
    path("cases/<uuid:uid>/status/", views.case_status, name="cases-status"),
    path("cases/<uuid:uid>/indicators/", views.case_assess, name="cases-assess"),
    path("cases/<uuid:uid>/consent/", views.case_consent, name="cases-consent"),
    path("cases/<uuid:uid>/refer/", views.case_refer, name="cases-refer"),
    path("cases/<uuid:uid>/periods/<int:period_id>/extend/", views.period_extend, name="cases-period-extend"),
    path("cases/<uuid:uid>/periods/<int:period_id>/decide/", views.period_decide, name="cases-period-decide"),
    path("cases/<uuid:uid>/care/<slug:action>/", views.case_care_action, name="cases-care"),
]
