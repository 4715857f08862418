from django.urls import path

from organisations import views

urlpatterns = [
    # /organisations/
    path("organisations/", views.organisation_list, name="organisations-list"),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisations-detail"),
]
