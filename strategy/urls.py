"""URLs below /strategie/ (German paths, English names `<model>_<action>`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.strategy_detail, name="strategy_detail"),
    path("bearbeiten/", views.StrategyEditView.as_view(), name="strategy_edit"),
    path("historie/", views.StrategyHistoryView.as_view(), name="strategy_history"),
    path(
        "historie/<int:history_id>/wiederherstellen/",
        views.restore,
        {"model_name": "strategy"},
        name="strategy_restore",
    ),
    path("stand/", views.strategy_as_of, name="strategy_as_of"),
    path("vergleich/", views.strategy_compare, name="strategy_compare"),
    path("fortschreibungen/", views.revision_list, name="revision_list"),
    path("fortschreibungen/neu/", views.revision_publish, name="revision_publish"),
    path(
        "fortschreibungen/<int:pk>/bearbeiten/",
        views.RevisionAmendView.as_view(),
        name="revision_edit",
    ),
    path(
        "fortschreibungen/<int:pk>/historie/",
        views.RevisionHistoryView.as_view(),
        name="revision_history",
    ),
    path("handlungsfelder/neu/", views.FieldOfActionEditView.as_view(), name="fieldofaction_add"),
    path(
        "handlungsfelder/<int:pk>/bearbeiten/",
        views.FieldOfActionEditView.as_view(),
        name="fieldofaction_edit",
    ),
    path(
        "handlungsfelder/<int:pk>/loeschen/",
        views.FieldOfActionDeleteView.as_view(),
        name="fieldofaction_delete",
    ),
    path(
        "handlungsfelder/<int:pk>/verschieben/",
        views.move,
        {"model_name": "fieldofaction"},
        name="fieldofaction_move",
    ),
    path(
        "handlungsfelder/<int:pk>/historie/",
        views.FieldOfActionHistoryView.as_view(),
        name="fieldofaction_history",
    ),
    path(
        "handlungsfelder/<int:pk>/historie/<int:history_id>/wiederherstellen/",
        views.restore,
        {"model_name": "fieldofaction"},
        name="fieldofaction_restore",
    ),
    path("ziele/neu/", views.GoalEditView.as_view(), name="goal_add"),
    path("ziele/<int:pk>/bearbeiten/", views.GoalEditView.as_view(), name="goal_edit"),
    path("ziele/<int:pk>/loeschen/", views.GoalDeleteView.as_view(), name="goal_delete"),
    path("ziele/<int:pk>/verschieben/", views.move, {"model_name": "goal"}, name="goal_move"),
    path("ziele/<int:pk>/historie/", views.GoalHistoryView.as_view(), name="goal_history"),
    path("ziele/<int:pk>/<slug:key>/", views.goal_items, name="goal_items"),
    path(
        "ziele/<int:pk>/historie/<int:history_id>/wiederherstellen/",
        views.restore,
        {"model_name": "goal"},
        name="goal_restore",
    ),
]
