from django.urls import path

from measures.models import Measure, Project

from . import views

urlpatterns = [
    path("", views.NeedListView.as_view(), name="need_list"),
    path("bewerten/", views.need_triage_list, name="need_triage_list"),
    path("kriterien/", views.ScoringCriterionListView.as_view(), name="scoringcriterion_list"),
    path("kriterien/neu/", views.ScoringCriterionEditView.as_view(), name="scoringcriterion_add"),
    path(
        "kriterien/<int:pk>/bearbeiten/",
        views.ScoringCriterionEditView.as_view(),
        name="scoringcriterion_edit",
    ),
    path("neu/", views.NeedEditView.as_view(), name="need_add"),
    path("<int:pk>/", views.NeedDetailView.as_view(), name="need_detail"),
    path("<int:pk>/bearbeiten/", views.NeedEditView.as_view(), name="need_edit"),
    path("<int:pk>/historie/", views.NeedHistoryView.as_view(), name="need_history"),
    path("<int:pk>/entscheiden/", views.need_triage, name="need_triage"),
    path("<int:pk>/bewertung/", views.need_score, name="need_score"),
    path("<int:pk>/rang/", views.need_rank, name="need_rank"),
    path(
        "<int:pk>/als-massnahme/",
        views.need_adopt,
        {"model": Measure},
        name="need_adopt_measure",
    ),
    path("<int:pk>/als-projekt/", views.need_adopt, {"model": Project}, name="need_adopt_project"),
    path("<int:pk>/zusammenfuehren/", views.need_merge, name="need_merge"),
    path("runden/", views.PriorityRoundListView.as_view(), name="priorityround_list"),
    path("runden/neu/", views.PriorityRoundEditView.as_view(), name="priorityround_add"),
    path("runden/<int:pk>/", views.PriorityRoundDetailView.as_view(), name="priorityround_detail"),
    path(
        "runden/<int:pk>/bearbeiten/",
        views.PriorityRoundEditView.as_view(),
        name="priorityround_edit",
    ),
    path(
        "runden/<int:pk>/historie/",
        views.PriorityRoundHistoryView.as_view(),
        name="priorityround_history",
    ),
    path("runden/<int:pk>/vorschlag/", views.priority_propose, name="priority_propose"),
    path("runden/<int:pk>/abschliessen/", views.priorityround_close, name="priorityround_close"),
    path("vorschlaege/<int:pk>/stellungnahme/", views.priority_respond, name="priority_respond"),
    path("synergien/", views.synergies, name="synergies"),
    path("synergien/markieren/", views.synergy_mark, name="synergy_mark"),
    path("synergien/aehnlich/<str:model>/<int:pk>/", views.similar_items, name="similar_items"),
    path("anhaenge/<int:pk>/", views.need_attachment, name="need_attachment"),
]
