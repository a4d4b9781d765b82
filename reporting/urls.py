from django.urls import path

from . import views

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("lagebild/", views.dashboard, name="report_dashboard"),
    path("erinnerung/<int:unit_pk>/", views.reminder_send, name="reminder_send"),
    path("neu/", views.report_add, name="report_add"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("<int:pk>/einschaetzung/", views.report_assessment, name="report_assessment"),
    path("<int:pk>/freigeben/", views.report_release, name="report_release"),
    path("<int:pk>/anmerkung/", views.report_note, name="report_note"),
    path("<int:pk>/oeffentlich/", views.report_publicity, name="report_publicity"),
    path("<int:pk>/berichtigen/", views.report_correct, name="report_correct"),
    path("<int:pk>/pdf/", views.report_download, name="report_download"),
    path("<int:pk>/erneut/", views.report_retry, name="report_retry"),
    path("plaene/", views.ScheduleListView.as_view(), name="reportschedule_list"),
    path("plaene/neu/", views.ScheduleEditView.as_view(), name="reportschedule_add"),
    path("plaene/<int:pk>/", views.ScheduleEditView.as_view(), name="reportschedule_edit"),
    path(
        "plaene/<int:pk>/loeschen/",
        views.ScheduleDeleteView.as_view(),
        name="reportschedule_delete",
    ),
]
