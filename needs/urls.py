from django.urls import path

from . import views

urlpatterns = [
    path("", views.NeedListView.as_view(), name="need_list"),
    path("neu/", views.NeedEditView.as_view(), name="need_add"),
    path("<int:pk>/", views.NeedDetailView.as_view(), name="need_detail"),
    path("<int:pk>/bearbeiten/", views.NeedEditView.as_view(), name="need_edit"),
    path("<int:pk>/historie/", views.NeedHistoryView.as_view(), name="need_history"),
    path("<int:pk>/entscheiden/", views.need_triage, name="need_triage"),
    path("anhaenge/<int:pk>/", views.need_attachment, name="need_attachment"),
]
