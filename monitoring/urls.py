from django.urls import path

from monitoring import views

urlpatterns = [
    # /monitoring/
    path("monitoring/", views.dashboard, name="monitoring-dashboard"),
    path("monitoring/rounds/", views.round_list, name="monitoring-rounds"),
    path("monitoring/rounds/new/", views.round_create, name="monitoring-round-create"),
    path("monitoring/rounds/<int:round_id>/", views.round_detail, name="monitoring-round"),
    path("monitoring/rounds/<int:round_id>/close/", views.round_close, name="monitoring-round-close"),
    path(
        "monitoring/rounds/<int:round_id>/measures.<str:fmt>",
        views.measure_status_export,
        name="monitoring-status-export",
    ),
    path(
        "monitoring/rounds/<int:round_id>/compliance.<str:fmt>",
        views.compliance_export,
        name="monitoring-compliance-export",
    ),
    # /monitoring/reports/
    path("monitoring/reports/", views.report_list, name="monitoring-reports"),
    path("monitoring/reports/new/", views.report_create, name="monitoring-report-create"),
    path("monitoring/reports/<int:report_id>/", views.report_detail, name="monitoring-report"),
    path("monitoring/reports/<int:report_id>/edit/", views.report_edit, name="monitoring-report-edit"),
    path("monitoring/reports/<int:report_id>/submit/", views.report_submit, name="monitoring-report-submit"),
    path("monitoring/reports/<int:report_id>/review/", views.report_review, name="monitoring-report-review"),
    path(
        "monitoring/reports/<int:report_id>/attachments/", views.attachment_upload, name="monitoring-attachment-upload"
    ),
    path("monitoring/attachments/<slug:token>/", views.attachment_download, name="monitoring-attachment"),
    path(
        "monitoring/attachments/<slug:token>/delete/",
        views.attachment_delete,
        name="monitoring-attachment-delete",
    ),
    path("monitoring/reports/<int:report_id>/needs/", views.need_create, name="monitoring-need-create"),
    # /monitoring/needs/
    path("monitoring/needs/", views.need_list, name="monitoring-needs"),
    path("monitoring/needs/<int:need_id>/", views.need_detail, name="monitoring-need"),
]
