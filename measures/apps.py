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
        from fb15.home import register_home_section
        from fb15.trash import register_trash_model
        from strategy.tree import GoalItems, register_goal_items

        from .home import status_section
        from .models import Indicator, Measure, Milestone, Project, Risk, Tag

        register_goal_items(
            GoalItems(
                key="measures",
                model=Measure,
                label=_("Maßnahmen"),
                compared_fields=(
                    "code",
                    "title",
                    "status",
                    "traffic_light",
                    "progress",
                    "priority",
                ),
                live_queryset=lambda: Measure.objects.all(),
                # Confidentiality as decided by restrict() on the live rows, also as of a moment.
                visible_to=lambda user: Measure.objects.history_condition(user),
            )
        )
        register_home_section(status_section)
        # Status updates and measured values are not listed: they are facts of a period,
        # corrected by a new entry rather than deleted and restored.
        for model in (Measure, Milestone, Indicator, Risk, Tag):
            register_trash_model(model)
        register_trash_model(Project, after_restore=_project_restored)
