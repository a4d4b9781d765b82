from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _position_free(parent_field: str):
    """A restored field of action or goal keeps its place unless it was taken meanwhile;
    then it goes to the end of its parent's list."""

    def prepare(obj):
        from django.db.models import Max

        siblings = type(obj)._base_manager.filter(
            **{parent_field: getattr(obj, f"{parent_field}_id")}
        )
        if siblings.filter(position=obj.position).exists():
            obj.position = (siblings.aggregate(top=Max("position"))["top"] or 0) + 1

    return prepare


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Digitale Strategie")

    def ready(self):
        from fb15.home import FirstStep, register_first_step
        from fb15.services import register_setup_step
        from fb15.trash import register_trash_model

        from . import search  # noqa: F401  (registers what the header search finds)
        from .models import FieldOfAction, Goal
        from .services import ensure_strategy

        register_setup_step(ensure_strategy)
        from fb15.council import register_council_linkable

        from .models import Revision

        register_council_linkable(Revision, "fortschreibungen")
        register_first_step(
            FirstStep(
                _("Strategie erfassen: Handlungsfelder und Ziele"),
                "strategy_detail",
                30,
                Goal.objects.exists,
            )
        )
        register_trash_model(FieldOfAction, before_restore=_position_free("strategy"))
        register_trash_model(Goal, before_restore=_position_free("field_of_action"))

        from fb15.inbox import register_tasks
        from fb15.models import Role
        from fb15.navigation import NavigationEntry, register_navigation

        from .home import draft_tasks

        register_tasks(draft_tasks)
        from fb15.permissions import register_role_permissions

        # Reading the unpublished draft is `view_draft_strategy`: the council reads
        # published revisions only.
        register_role_permissions(
            Role.STRATEGY_TEAM,
            {
                "strategy.strategy": ("view", "view_draft", "add", "change", "delete"),
                "strategy.revision": ("view", "add", "change", "delete"),
                "strategy.fieldofaction": ("view", "add", "change", "delete"),
                "strategy.goal": ("view", "add", "change", "delete"),
            },
        )
        readers = {
            Role.COUNCIL: ("view",),
            Role.STAFF: ("view", "view_draft"),
        }
        for role, strategy_actions in readers.items():
            register_role_permissions(
                role,
                {
                    "strategy.strategy": strategy_actions,
                    "strategy.revision": ("view",),
                    "strategy.fieldofaction": ("view",),
                    "strategy.goal": ("view",),
                },
            )
        register_navigation(
            NavigationEntry(
                _("Digitale Strategie"), "strategy_detail", "strategy.view_strategy", 10, "strategy"
            )
        )
