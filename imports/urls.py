from django.urls import path

from . import views

urlpatterns = [
    path("", views.upload, name="import_upload"),
    path("vorlage.<str:file_format>", views.template, name="import_template"),
    path("export.<str:file_format>", views.export, name="import_export"),
    path("<int:pk>/", views.run_detail, name="import_run"),
    path("<int:pk>/zuordnung/", views.run_plan, name="import_plan"),
    path("<int:pk>/werte/", views.run_words, name="import_words"),
    path("<int:pk>/uebernehmen/", views.run_confirm, name="import_confirm"),
    path("<int:pk>/abgelehnt.xlsx", views.run_rejected, name="import_rejected"),
]
