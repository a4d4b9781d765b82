from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Digitale Strategie")

    def ready(self):
        from fb15.models import Role
        from fb15.navigation import NavigationEntry, register_navigation
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
                _("Digitale Strategie"), "strategy_detail", "strategy.view_strategy", 30
            )
        )
