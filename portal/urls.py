"""Public portal URLs (404 while the portal is off) and FB 15's settings page for it."""

from django.urls import path

from . import views

urlpatterns = [
    path("portal/", views.home, name="portal_home"),
    path("portal/strategie/", views.strategy, name="portal_strategy"),
    path("portal/lagebild/", views.lagebild, name="portal_lagebild"),
    path("portal/berichte/", views.reports, name="portal_reports"),
    path("portal/berichte/<int:pk>.pdf", views.report_download, name="portal_report_download"),
    path("portal/offene-daten/", views.open_data, name="portal_open_data"),
    path("portal/offene-daten/massnahmen.csv", views.measures_csv, name="portal_measures_csv"),
    path("portal/offene-daten/massnahmen.json", views.measures_json, name="portal_measures_json"),
    path("portal/offene-daten/dcat.jsonld", views.catalog, name="portal_catalog"),
    path("einstellungen/portal/", views.settings_edit, name="portal_settings_edit"),
]
