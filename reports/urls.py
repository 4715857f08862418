from django.urls import path

from reports import views

urlpatterns = [
    path("annual-report/", views.index, name="reports-index"),
    path("annual-report/preview/", views.preview, name="reports-preview"),
    path("annual-report/draft.<str:fmt>", views.draft_file, name="reports-draft"),
    path("annual-report/issue/", views.issue, name="reports-issue"),
    path("annual-report/issued/<uuid:uid>/", views.issued_detail, name="reports-issued"),
    path("annual-report/issued/<uuid:uid>/report.<str:fmt>", views.issued_file, name="reports-issued-file"),
]
