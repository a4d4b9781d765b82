from django.urls import path

from . import views

urlpatterns = [
    path("", views.StandardListView.as_view(), name="standard_list"),
    path("neu/", views.StandardEditView.as_view(), name="standard_add"),
    path("<int:pk>/", views.StandardDetailView.as_view(), name="standard_detail"),
    path("<int:pk>/bearbeiten/", views.StandardEditView.as_view(), name="standard_edit"),
    path("<int:pk>/loeschen/", views.StandardDeleteView.as_view(), name="standard_delete"),
    path("<int:pk>/historie/", views.StandardHistoryView.as_view(), name="standard_history"),
    path("<int:pk>/vergleich/", views.standard_compare, name="standard_compare"),
    path("einhaltung/", views.compliance_matrix, name="compliance_matrix"),
    path("einhaltung/export.csv", views.compliance_csv, name="compliance_csv"),
    path("einhaltung/export.json", views.compliance_oscal, name="compliance_oscal"),
    path(
        "einhaltung/<int:unit>/<int:standard>/",
        views.ComplianceEditView.as_view(),
        name="compliance_edit",
    ),
    path(
        "einhaltung/<int:unit>/<int:standard>/bestaetigen/",
        views.compliance_confirm,
        name="compliance_confirm",
    ),
    path(
        "einhaltung/<int:pk>/historie/",
        views.ComplianceHistoryView.as_view(),
        name="compliance_history",
    ),
    path("ausnahmen/", views.ExemptionListView.as_view(), name="exemption_list"),
    path("ausnahmen/neu/", views.ExemptionEditView.as_view(), name="exemption_add"),
    path("ausnahmen/<int:pk>/", views.ExemptionDetailView.as_view(), name="exemption_detail"),
    path(
        "ausnahmen/<int:pk>/bearbeiten/",
        views.ExemptionEditView.as_view(),
        name="exemption_edit",
    ),
    path("ausnahmen/<int:pk>/entscheiden/", views.exemption_decide, name="exemption_decide"),
    path(
        "ausnahmen/<int:pk>/historie/",
        views.ExemptionHistoryView.as_view(),
        name="exemption_history",
    ),
    path("leistungen/", views.ServiceListView.as_view(), name="service_list"),
    path("leistungen/neu/", views.ServiceEditView.as_view(), name="service_add"),
    path("leistungen/<int:pk>/", views.ServiceDetailView.as_view(), name="service_detail"),
    path("leistungen/<int:pk>/bearbeiten/", views.ServiceEditView.as_view(), name="service_edit"),
    path(
        "leistungen/<int:pk>/historie/", views.ServiceHistoryView.as_view(), name="service_history"
    ),
    path("radar/", views.trend_radar, name="trend_radar"),
    path("radar/neu/", views.TrendEditView.as_view(), name="trend_add"),
    path("radar/<int:pk>/", views.TrendDetailView.as_view(), name="trend_detail"),
    path("radar/<int:pk>/bearbeiten/", views.TrendEditView.as_view(), name="trend_edit"),
    path("radar/<int:pk>/loeschen/", views.TrendDeleteView.as_view(), name="trend_delete"),
    path("radar/<int:pk>/historie/", views.TrendHistoryView.as_view(), name="trend_history"),
    path("neuigkeiten/", views.standards_news, name="standards_news"),
]
