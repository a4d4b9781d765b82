from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _project_restored(project, actor):
    """The lead's right on the project was deleted with it."""
    from fb15.permissions import grant_exactly

    grant_exactly("change_project", project, [project.lead])


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Maßnahmen und Projekte")

    def ready(self):
        # Measures hang below goals in the strategy tree, its roll-ups and comparisons.
        from fb15.home import FirstStep, register_first_step
        from fb15.inbox import register_tasks
        from fb15.trash import register_trash_model
        from strategy.tree import GoalItems, register_goal_items

        from . import search  # noqa: F401  (registers what the header search finds)
        from .home import measure_tasks
        from .models import Indicator, Measure, Milestone, Project, Risk, Tag

        register_goal_items(
            GoalItems(
                key="measures",
                model=Measure,
                label=_("Maßnahmen"),
                # Content and implementation state; strategy.tree.PROGRESS_ASPECTS splits them.
                compared_fields=(
                    "code",
                    "title",
                    "description",
                    "priority",
                    "status",
                    "traffic_light",
                    "progress",
                    "planned_start",
                    "planned_end",
                    "actual_end",
                ),
                live_queryset=lambda: Measure.objects.all(),
                order_by=("code", "id"),
                url_name="measure_detail",
                # Which rows a reader sees: restrict()'s rule (Measure.objects.history_condition).
            )
        )
        register_tasks(measure_tasks)
        register_first_step(
            FirstStep(_("Maßnahmen anlegen"), "measure_list", 40, Measure.objects.exists)
        )
        # Status updates and measured values are not listed: they are facts of a period,
        # corrected by a new entry rather than deleted and restored.
        for model in (Measure, Milestone, Indicator, Risk, Tag):
            register_trash_model(model)
        register_trash_model(Project, after_restore=_project_restored)
        _register_role_permissions()
        _register_navigation()
        from fb15.comments import register_commentable

        register_commentable(Measure, "massnahmen")
        register_commentable(Project, "projekte")
        from fb15.council import register_council_linkable

        register_council_linkable(Measure, "massnahmen")
        from fb15.panels import register_object_panel

        from .panels import service_items_panel

        register_object_panel("standards.service", service_items_panel)


ALL_ACTIONS = ("view", "add", "change", "delete")
MODELS = (
    "measure",
    "project",
    "statusupdate",
    "milestone",
    "indicator",
    "indicatorvalue",
    "risk",
    "reportingperiod",
    "tag",
)
# Children (status updates, milestones, …) are read through their parent's rights.
READABLE = ("measure", "project", "reportingperiod", "tag")


def _register_role_permissions():
    from fb15.models import Role
    from fb15.permissions import register_role_permissions

    grants = {f"measures.{name}": ALL_ACTIONS for name in MODELS}
    # Reviewing status updates is `review_statusupdate`, the strategy team's alone.
    grants["measures.statusupdate"] = (*ALL_ACTIONS, "review")
    register_role_permissions(Role.STRATEGY_TEAM, grants)
    for reader in (Role.COUNCIL, Role.STAFF):
        register_role_permissions(reader, {f"measures.{name}": ("view",) for name in READABLE})


def _register_navigation():
    from fb15.navigation import NavigationEntry, manages_any_unit, register_navigation

    register_navigation(NavigationEntry(_("Mein Fachbereich"), "my_unit", manages_any_unit, 20))
    # Measures and projects implement the strategy: its section, after the strategy itself.
    for entry in (
        NavigationEntry(_("Maßnahmen"), "measure_list", "measures.view_measure", 20, "strategy"),
        NavigationEntry(_("Projekte"), "project_list", "measures.view_project", 30, "strategy"),
        NavigationEntry(
            _("Meldungen prüfen"),
            "status_review_list",
            "measures.review_statusupdate",
            35,
            "strategy",
        ),
    ):
        register_navigation(entry)
