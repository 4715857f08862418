from django.urls import path

from plans import views

urlpatterns = [
    # /plans/
    path("plans/", views.plan_list, name="plans-list"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plans-detail"),
    path("plans/<int:plan_id>/export.xlsx", views.plan_export, {"fmt": "xlsx"}, name="plans-export-xlsx"),
    path("plans/<int:plan_id>/export.csv", views.plan_export, {"fmt": "csv"}, name="plans-export-csv"),
    # /measures/<id>/
    path("measures/<int:measure_id>/", views.measure_detail, name="plans-measure"),
]
