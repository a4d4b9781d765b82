from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

MODELS = ("need", "needattachment", "scoringcriterion", "needscore", "priorityround")
ALL_ACTIONS = ("view", "add", "change", "delete")


def _register_role_permissions():
    from fb15.models import Role
    from fb15.permissions import register_role_permissions

    grants = {f"needs.{name}": ALL_ACTIONS for name in MODELS}
    # Triage (state, scores, rank) is `triage_need`, the strategy team's alone.
    grants["needs.need"] = (*ALL_ACTIONS, "triage", "browse")
    grants["needs.priorityproposal"] = ALL_ACTIONS
    grants["needs.synergymark"] = ALL_ACTIONS
    register_role_permissions(Role.STRATEGY_TEAM, grants)
    # Units answer FB 15's proposals in a round: staff (leads and members) read the rounds;
    # which proposals each reads follows its unit (PriorityProposal.unit_scope).
    # The council reads rounds too: the priority list goes into its reports.
    for reader in (Role.STAFF, Role.COUNCIL):
        register_role_permissions(reader, {"needs.priorityround": ("view",)})
    # Staff (the units' leads and members) open the list of needs: their unit's needs and
    # other units' public titles. The council does not: needs are the units' and FB 15's.
    register_role_permissions(Role.STAFF, {"needs.need": ("browse",)})


def _register_navigation():
    from fb15.navigation import NavigationEntry, register_navigation

    section = "strategy"
    for entry in (
        # Units' staff and FB 15: units file and follow their needs, others see public
        # titles; not the council (a permission, not a query: the navigation is on every
        # page).
        NavigationEntry(_("Bedarfsmeldungen"), "need_list", "needs.browse_need", 40, section),
        NavigationEntry(
            _("Bedarfe bewerten"), "need_triage_list", "needs.triage_need", 45, section
        ),
        NavigationEntry(
            _("Prioritätenrunden"), "priorityround_list", "needs.view_priorityround", 50, section
        ),
        NavigationEntry(_("Synergien"), "synergies", "needs.view_synergymark", 55, section),
    ):
        register_navigation(entry)


class NeedsConfig(AppConfig):
    name = "needs"
    verbose_name = _("Bedarfe und Synergien")

    def ready(self):
        from fb15.inbox import register_tasks
        from fb15.panels import register_object_panel

        from . import (
            search,  # noqa: F401  (registers what the header search finds)
            signals,
        )
        from .home import needs_tasks
        from .panels import (
            need_link_panel,
            priority_history_panel,
            service_needs_panel,
            similar_items_panel,
        )

        _register_role_permissions()
        _register_navigation()
        signals.connect()
        register_tasks(needs_tasks)
        for model_label in ("measures.measure", "measures.project"):
            register_object_panel(model_label, need_link_panel)
        for model_label in ("needs.need", "measures.measure"):
            register_object_panel(model_label, priority_history_panel)
        for model_label in ("needs.need", "measures.measure", "measures.project"):
            register_object_panel(model_label, similar_items_panel)
        register_object_panel("standards.service", service_needs_panel)
