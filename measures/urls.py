from django.urls import path

from . import review, views

urlpatterns = [
    path("massnahmen/", views.MeasureListView.as_view(), name="measure_list"),
    path("massnahmen/export.csv", views.measure_export, name="measure_export"),
    path("massnahmen/neu/", views.MeasureEditView.as_view(), name="measure_add"),
    path("massnahmen/<int:pk>/", views.MeasureDetailView.as_view(), name="measure_detail"),
    path("massnahmen/<int:pk>/bearbeiten/", views.MeasureEditView.as_view(), name="measure_edit"),
    path(
        "massnahmen/<int:pk>/historie/", views.MeasureHistoryView.as_view(), name="measure_history"
    ),
    path(
        "massnahmen/<int:pk>/statusmeldung/",
        views.MeasureStatusUpdateView.as_view(),
        name="measure_status",
    ),
    path(
        "massnahmen/<int:parent_pk>/meilensteine/neu/",
        views.MeasureMilestoneCreateView.as_view(),
        name="measure_milestone_add",
    ),
    path(
        "massnahmen/<int:parent_pk>/kennzahlen/neu/",
        views.IndicatorCreateView.as_view(),
        name="indicator_add",
    ),
    path("projekte/", views.ProjectListView.as_view(), name="project_list"),
    path("projekte/export.csv", views.project_export, name="project_export"),
    path("projekte/neu/", views.ProjectEditView.as_view(), name="project_add"),
    path("projekte/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projekte/<int:pk>/bearbeiten/", views.ProjectEditView.as_view(), name="project_edit"),
    path("projekte/<int:pk>/historie/", views.ProjectHistoryView.as_view(), name="project_history"),
    path(
        "projekte/<int:pk>/statusmeldung/",
        views.ProjectStatusUpdateView.as_view(),
        name="project_status",
    ),
    path(
        "projekte/<int:parent_pk>/meilensteine/neu/",
        views.ProjectMilestoneCreateView.as_view(),
        name="project_milestone_add",
    ),
    path("projekte/<int:parent_pk>/risiken/neu/", views.RiskCreateView.as_view(), name="risk_add"),
    path(
        "meilensteine/<int:pk>/bearbeiten/",
        views.MilestoneEditView.as_view(),
        name="milestone_edit",
    ),
    path(
        "meilensteine/<int:pk>/loeschen/",
        views.MilestoneDeleteView.as_view(),
        name="milestone_delete",
    ),
    path("meilensteine/<int:pk>/erreicht/", views.milestone_reached, name="milestone_reached"),
    path(
        "kennzahlen/<int:pk>/bearbeiten/", views.IndicatorEditView.as_view(), name="indicator_edit"
    ),
    path(
        "kennzahlen/<int:parent_pk>/messwerte/neu/",
        views.IndicatorValueCreateView.as_view(),
        name="indicator_value_add",
    ),
    path("risiken/<int:pk>/bearbeiten/", views.RiskEditView.as_view(), name="risk_edit"),
    path("mein-fachbereich/", views.my_unit, name="my_unit"),
    path("statusmeldungen/pruefen/", review.review_list, name="status_review_list"),
    path("statusmeldungen/bestaetigen/", review.acknowledge_many, name="status_acknowledge_many"),
    path("statusmeldungen/<int:pk>/bestaetigen/", review.acknowledge, name="status_acknowledge"),
    path("statusmeldungen/<int:pk>/rueckfrage/", review.send_back, name="status_return"),
]
