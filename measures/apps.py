from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Maßnahmen und Projekte")

    def ready(self):
        # Measures hang below goals in the strategy tree, its roll-ups and comparisons.
        from fb15.home import register_home_section
        from strategy.tree import GoalItems, register_goal_items

        from .home import status_section
        from .models import Measure

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
                # Which rows a reader sees: restrict()'s rule (Measure.objects.history_condition).
            )
        )
        register_home_section(status_section)
