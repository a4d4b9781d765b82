"""The permission harness: every URL pattern × role × variant → expected status, GET and POST.

A row per URL name (see harness.py for the world and the roles). Variants: the public and
the confidential object of FB 32 (measures, projects and their children), the published
and the draft-only field of action or goal. Codes in ROLES order:

    anonymous stranger council staff lead_own lead_other strategist

Rules the table shows: anonymous → 302 to the login; an object the user may not read →
404; a readable object whose action is not allowed → 403; pages without an object in the
URL (lists, "add") → 403 without the right; a POST the user may make but with an empty
form → 422 (the form's German errors). A URL pattern without a row fails the suite.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.permissions.harness import ROLES, Row, build_world, observe, one, per, url_names

pytestmark = pytest.mark.django_db

PV = ("public", "confidential")
DV = ("published", "draft")


def history_id(world, obj):
    return [obj.history.order_by("history_id").first().history_id]


def paper_link(world, variant: str) -> int:
    """The id of a council paper's link on the public or the confidential measure."""
    from django.contrib.contenttypes.models import ContentType

    from fb15.models import CouncilPaper, CouncilPaperLink

    measure = world["measure"][variant]
    paper, _ = CouncilPaper.objects.get_or_create(
        url="http://ris.example/paper/1", defaults={"reference": "1/2026"}
    )
    link, _ = CouncilPaperLink.objects.get_or_create(
        paper=paper,
        content_type=ContentType.objects.get_for_model(measure),
        object_id=measure.pk,
    )
    return link.pk


def on_measure(name: str) -> dict:
    """A comment or follow URL of the public and the confidential measure."""

    def url(variant):
        return lambda w: reverse(name, args=["massnahmen", w["measure"][variant].pk])

    return {variant: url(variant) for variant in PV}


def similar_of(key: str) -> dict:
    """The similar-items box of the public and the confidential item world[key]."""

    def url(variant):
        return lambda w: reverse("similar_items", args=[key, w[key][variant].pk])

    return {variant: url(variant) for variant in PV}


# How to reach each URL pattern: one URL, or one per variant.
ROUTES: dict[str, dict] = {
    "home": one("home"),
    "healthz": one("healthz"),
    "login": one("login"),
    "logout": one("logout"),
    # OpenID Connect answers 404 while it is not configured (as in these tests)
    "oidc_authentication_init": one("oidc_authentication_init"),
    "oidc_authentication_callback": one("oidc_authentication_callback"),
    "search": one("search"),
    # Personal access tokens: everybody's own (the world's token is the lead of FB 32's)
    "token_list": one("token_list"),
    "token_revoke": one("token_revoke", lambda w: w["token"].pk),
    "set_language": one("set_language"),
    # Organisation
    "orgunit_list": one("orgunit_list"),
    "orgunit_add": one("orgunit_add"),
    "orgunit_detail": one("orgunit_detail", lambda w: w["unit32"].pk),
    "orgunit_edit": one("orgunit_edit", lambda w: w["unit32"].pk),
    "orgunit_delete": one("orgunit_delete", lambda w: w["unit32"].pk),
    "orgunit_history": one("orgunit_history", lambda w: w["unit32"].pk),
    "division_add": one("division_add"),
    # Einstellungen der Stadt; the world has no logo
    "city_settings_edit": one("city_settings_edit"),
    "city_logo": one("city_logo"),
    # Papierkorb (a history id that is not deleted: the strategist is sent back with a message)
    "trash": one("trash"),
    "trash_restore": one("trash_restore", lambda w: "measures.tag", lambda w: 999999),
    # Measures and projects
    "measure_list": one("measure_list"),
    "measure_export": one("measure_export"),
    "measure_add": one("measure_add"),
    "measure_detail": per("measure_detail", "measure", *PV),
    "measure_edit": per("measure_edit", "measure", *PV),
    "measure_history": per("measure_history", "measure", *PV),
    "measure_status": per("measure_status", "measure", *PV),
    "measure_milestone_add": per("measure_milestone_add", "measure", *PV),
    "indicator_add": per("indicator_add", "measure", *PV),
    "project_list": one("project_list"),
    "project_export": one("project_export"),
    "project_add": one("project_add"),
    "project_detail": per("project_detail", "project", *PV),
    "project_edit": per("project_edit", "project", *PV),
    "project_history": per("project_history", "project", *PV),
    "project_status": per("project_status", "project", *PV),
    "project_milestone_add": per("project_milestone_add", "project", *PV),
    "risk_add": per("risk_add", "project", *PV),
    "milestone_edit": per("milestone_edit", "milestone", *PV),
    "milestone_delete": per("milestone_delete", "milestone", *PV),
    "milestone_reached": per("milestone_reached", "milestone", *PV),
    # FB 15's review of status updates
    "status_review_list": one("status_review_list"),
    "status_acknowledge_many": one("status_acknowledge_many"),
    "status_acknowledge": per("status_acknowledge", "statusupdate", *PV),
    "status_return": per("status_return", "statusupdate", *PV),
    "reminder_send": one("reminder_send", lambda w: w["unit32"].pk),
    "indicator_edit": per("indicator_edit", "indicator", *PV),
    "indicator_value_add": per("indicator_value_add", "indicator", *PV),
    "risk_edit": per("risk_edit", "risk", *PV),
    "my_unit": one("my_unit"),
    # Comments and following (a comment by the lead of FB 32 on each measure)
    "comment_list": on_measure("comment_list"),
    "comment_edit": per("comment_edit", "comment", *PV),
    "comment_delete": per("comment_delete", "comment", *PV),
    "follow_toggle": on_measure("follow_toggle"),
    # Council papers (a linked paper on each measure)
    "council_paper_link": on_measure("council_paper_link"),
    "council_paper_unlink": {
        variant: (lambda w, v=variant: reverse("council_paper_unlink", args=[paper_link(w, v)]))
        for variant in PV
    },
    # Strategy
    "strategy_detail": one("strategy_detail"),
    "strategy_edit": one("strategy_edit"),
    "strategy_history": one("strategy_history"),
    "strategy_restore": one("strategy_restore", lambda w: history_id(w, w["strategy"])[0]),
    "strategy_as_of": {
        "published": lambda w: reverse("strategy_as_of") + "?revision=1",
        "draft": lambda w: reverse("strategy_as_of") + f"?datum={timezone.localdate():%Y-%m-%d}",
    },
    "strategy_compare": {
        "published": lambda w: reverse("strategy_compare") + "?von=1&bis=1",
        "draft": lambda w: reverse("strategy_compare") + "?von=1&bis=entwurf",
    },
    "revision_list": one("revision_list"),
    "revision_publish": one("revision_publish"),
    "revision_edit": one("revision_edit", lambda w: w["revision"].pk),
    "revision_history": one("revision_history", lambda w: w["revision"].pk),
    "fieldofaction_add": one("fieldofaction_add"),
    "fieldofaction_edit": per("fieldofaction_edit", "field", *DV),
    "fieldofaction_delete": per("fieldofaction_delete", "field", *DV),
    "fieldofaction_move": per("fieldofaction_move", "field", *DV),
    "fieldofaction_history": per("fieldofaction_history", "field", *DV),
    "fieldofaction_restore": per("fieldofaction_restore", "field", *DV, extra=history_id),
    "goal_add": one("goal_add"),
    "goal_edit": per("goal_edit", "goal", *DV),
    "goal_delete": per("goal_delete", "goal", *DV),
    "goal_move": per("goal_move", "goal", *DV),
    "goal_history": per("goal_history", "goal", *DV),
    "goal_restore": per("goal_restore", "goal", *DV, extra=history_id),
    "goal_items": per("goal_items", "goal", *DV, extra=lambda w, obj: ["measures"]),
    # Standards
    "standard_list": one("standard_list"),
    "standard_add": one("standard_add"),
    "standard_detail": one("standard_detail", lambda w: w["standard"].pk),
    "standard_edit": one("standard_edit", lambda w: w["standard"].pk),
    "standard_delete": one("standard_delete", lambda w: w["standard"].pk),
    "standard_history": one("standard_history", lambda w: w["standard"].pk),
    "standard_compare": one("standard_compare", lambda w: w["standard"].pk),
    "compliance_matrix": one("compliance_matrix"),
    "compliance_csv": one("compliance_csv"),
    "compliance_oscal": one("compliance_oscal"),
    "compliance_edit": one("compliance_edit", lambda w: w["unit32"].pk, lambda w: w["standard"].pk),
    "compliance_confirm": one(
        "compliance_confirm", lambda w: w["unit32"].pk, lambda w: w["standard"].pk
    ),
    "compliance_history": one("compliance_history", lambda w: w["compliance"].pk),
    "exemption_list": one("exemption_list"),
    "exemption_add": one("exemption_add"),
    "exemption_detail": one("exemption_detail", lambda w: w["exemption"].pk),
    "exemption_edit": one("exemption_edit", lambda w: w["exemption"].pk),
    "exemption_decide": one("exemption_decide", lambda w: w["exemption"].pk),
    "exemption_history": one("exemption_history", lambda w: w["exemption"].pk),
    "trend_radar": one("trend_radar"),
    "trend_add": one("trend_add"),
    "trend_detail": one("trend_detail", lambda w: w["trend"].pk),
    "trend_edit": one("trend_edit", lambda w: w["trend"].pk),
    "trend_delete": one("trend_delete", lambda w: w["trend"].pk),
    "trend_history": one("trend_history", lambda w: w["trend"].pk),
    "service_list": one("service_list"),
    "service_add": one("service_add"),
    "service_detail": one("service_detail", lambda w: w["service"].pk),
    "service_edit": one("service_edit", lambda w: w["service"].pk),
    "service_history": one("service_history", lambda w: w["service"].pk),
    "standards_news": one("standards_news"),
    # Reports
    "report_list": one("report_list"),
    "report_dashboard": one("report_dashboard"),
    "report_add": one("report_add"),
    "report_download": one("report_download", lambda w: w["report"].pk),
    "report_detail": one("report_detail", lambda w: w["report"].pk),
    "accessibility": one("accessibility"),
    "report_assessment": one("report_assessment", lambda w: w["report"].pk),
    "report_release": one("report_release", lambda w: w["report"].pk),
    "report_note": one("report_note", lambda w: w["report"].pk),
    "report_correct": one("report_correct", lambda w: w["report"].pk),
    "report_publicity": one("report_publicity", lambda w: w["report"].pk),
    "report_retry": one("report_retry", lambda w: w["failed_report"].pk),
    "reportschedule_list": one("reportschedule_list"),
    "reportschedule_add": one("reportschedule_add"),
    "reportschedule_edit": one("reportschedule_edit", lambda w: w["schedule"].pk),
    "reportschedule_delete": one("reportschedule_delete", lambda w: w["schedule"].pk),
    # The public portal (switched on in the world, its report public) and its settings
    "portal_home": one("portal_home"),
    "portal_strategy": one("portal_strategy"),
    "portal_lagebild": one("portal_lagebild"),
    "portal_reports": one("portal_reports"),
    "portal_report_download": one("portal_report_download", lambda w: w["report"].pk),
    "portal_open_data": one("portal_open_data"),
    "portal_measures_csv": one("portal_measures_csv"),
    "portal_measures_json": one("portal_measures_json"),
    "portal_catalog": one("portal_catalog"),
    "portal_settings_edit": one("portal_settings_edit"),
    # Import
    "import_upload": one("import_upload"),
    "import_template": one("import_template", lambda w: "xlsx"),
    "import_export": one("import_export", lambda w: "xlsx"),
    "import_run": one("import_run", lambda w: w["import_run"].pk),
    "import_plan": one("import_plan", lambda w: w["import_run"].pk),
    "import_words": one("import_words", lambda w: w["import_run"].pk),
    "import_confirm": one("import_confirm", lambda w: w["import_run"].pk),
    "import_rejected": one("import_rejected", lambda w: w["import_run"].pk),
    # Needs (Bedarfsmeldungen) of FB 32, one public, one confidential
    "need_list": one("need_list"),
    "need_add": one("need_add"),
    "need_detail": per("need_detail", "need", *PV),
    "need_edit": per("need_edit", "need", *PV),
    "need_history": per("need_history", "need", *PV),
    "need_attachment": per("need_attachment", "need_attachment", *PV),
    "need_triage": per("need_triage", "need", *PV),
    "need_score": per("need_score", "need", *PV),
    "need_rank": per("need_rank", "need", *PV),
    "need_adopt_measure": per("need_adopt_measure", "need", *PV),
    "need_adopt_project": per("need_adopt_project", "need", *PV),
    "need_merge": per("need_merge", "need", *PV),
    "need_triage_list": one("need_triage_list"),
    "scoringcriterion_list": one("scoringcriterion_list"),
    "scoringcriterion_add": one("scoringcriterion_add"),
    "scoringcriterion_edit": one("scoringcriterion_edit", lambda w: w["criterion"].pk),
    "priorityround_list": one("priorityround_list"),
    "priorityround_add": one("priorityround_add"),
    "priorityround_detail": one("priorityround_detail", lambda w: w["round"].pk),
    "priorityround_edit": one("priorityround_edit", lambda w: w["round"].pk),
    "priorityround_history": one("priorityround_history", lambda w: w["round"].pk),
    "priority_propose": one("priority_propose", lambda w: w["round"].pk),
    "priorityround_close": one("priorityround_close", lambda w: w["round"].pk),
    "priority_respond": one("priority_respond", lambda w: w["proposal"].pk),
    "synergies": one("synergies"),
    "synergy_mark": one("synergy_mark"),
    "similar_items": similar_of("measure"),
}

# Expected (GET, POST) per URL name; codes in ROLES order:
#   anonymous stranger council staff lead_own lead_other strategist
EXPECTED: dict[str, tuple] = {
    "home": ("302 200 200 200 200 200 200", "302 200 200 200 200 200 200"),
    "healthz": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "oidc_authentication_init": ("404 404 404 404 404 404 404", "404 404 404 404 404 404 404"),
    "oidc_authentication_callback": (
        "404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404",
    ),
    "search": ("302 200 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "token_list": ("302 200 200 200 200 200 200", "302 422 422 422 422 422 422"),
    "token_revoke": ("302 405 405 405 405 405 405", "302 404 404 404 302 404 404"),
    "login": ("200 200 200 200 200 200 200", "200 200 200 200 200 200 200"),
    "logout": ("405 405 405 405 405 405 405", "302 302 302 302 302 302 302"),
    "set_language": ("302 302 302 302 302 302 302", "302 302 302 302 302 302 302"),
    "orgunit_list": ("302 200 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "orgunit_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "orgunit_detail": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "orgunit_edit": ("302 404 403 403 403 403 200", "302 404 403 403 403 403 422"),
    # The unit, standard and published field and goal have dependents: deleting them is
    # refused with the list of what depends on them (409).
    "orgunit_delete": ("302 404 403 403 403 403 200", "302 404 403 403 403 403 409"),
    "trash": ("302 403 403 403 403 403 200", "302 405 405 405 405 405 405"),
    "trash_restore": ("302 405 405 405 405 405 405", "302 403 403 403 403 403 302"),
    "orgunit_history": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "division_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "city_settings_edit": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    # Public like the login page that shows it; 404 without a logo.
    "city_logo": ("404 404 404 404 404 404 404", "405 405 405 405 405 405 405"),
    "measure_list": ("302 200 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "measure_export": ("302 200 200 200 200 200 200", "302 200 200 200 200 200 200"),
    "measure_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "measure_detail": (
        {"public": "302 404 200 200 200 200 200", "confidential": "302 404 404 404 200 404 200"},
        "302 405 405 405 405 405 405",
    ),
    "measure_edit": (
        {"public": "302 404 403 403 403 403 200", "confidential": "302 404 404 404 403 404 200"},
        {"public": "302 404 403 403 403 403 422", "confidential": "302 404 404 404 403 404 422"},
    ),
    "measure_history": (
        {"public": "302 404 200 200 200 200 200", "confidential": "302 404 404 404 200 404 200"},
        "302 405 405 405 405 405 405",
    ),
    "measure_status": (
        {"public": "302 404 403 403 200 403 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 403 422 403 422", "confidential": "302 404 404 404 422 404 422"},
    ),
    "measure_milestone_add": (
        {"public": "302 404 403 403 200 403 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 403 422 403 422", "confidential": "302 404 404 404 422 404 422"},
    ),
    "indicator_add": (
        {"public": "302 404 403 403 200 403 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 403 422 403 422", "confidential": "302 404 404 404 422 404 422"},
    ),
    "project_list": ("302 200 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "project_export": ("302 200 200 200 200 200 200", "302 200 200 200 200 200 200"),
    "project_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "project_detail": (
        {"public": "302 404 200 200 200 200 200", "confidential": "302 404 404 404 200 404 200"},
        "302 405 405 405 405 405 405",
    ),
    "project_edit": (
        {"public": "302 404 403 403 403 403 200", "confidential": "302 404 404 404 403 404 200"},
        {"public": "302 404 403 403 403 403 422", "confidential": "302 404 404 404 403 404 422"},
    ),
    "project_history": (
        {"public": "302 404 200 200 200 200 200", "confidential": "302 404 404 404 200 404 200"},
        "302 405 405 405 405 405 405",
    ),
    "project_status": (
        {"public": "302 404 403 403 200 403 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 403 422 403 422", "confidential": "302 404 404 404 422 404 422"},
    ),
    "project_milestone_add": (
        {"public": "302 404 403 403 200 403 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 403 422 403 422", "confidential": "302 404 404 404 422 404 422"},
    ),
    "risk_add": (
        {"public": "302 404 403 403 200 403 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 403 422 403 422", "confidential": "302 404 404 404 422 404 422"},
    ),
    "milestone_edit": (
        {"public": "302 404 403 403 200 403 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 403 422 403 422", "confidential": "302 404 404 404 422 404 422"},
    ),
    "milestone_delete": (
        {"public": "302 404 403 403 200 403 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 403 302 403 302", "confidential": "302 404 404 404 302 404 302"},
    ),
    "milestone_reached": (
        "302 405 405 405 405 405 405",
        {"public": "302 404 403 403 302 403 302", "confidential": "302 404 404 404 302 404 302"},
    ),
    "indicator_edit": (
        {"public": "302 404 403 403 200 403 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 403 422 403 422", "confidential": "302 404 404 404 422 404 422"},
    ),
    "indicator_value_add": (
        {"public": "302 404 403 403 200 403 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 403 422 403 422", "confidential": "302 404 404 404 422 404 422"},
    ),
    "risk_edit": (
        {"public": "302 404 403 403 200 403 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 403 422 403 422", "confidential": "302 404 404 404 422 404 422"},
    ),
    "my_unit": ("302 200 200 200 200 200 200", "302 200 200 200 200 200 200"),
    # Readers of the measure read its comments; the council does not write (403), an empty
    # comment is refused (422). Only the author edits; the author and FB 15 delete.
    "comment_list": (
        {"public": "302 404 200 200 200 200 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 422 422 422 422", "confidential": "302 404 404 404 422 404 422"},
    ),
    "comment_edit": (
        {"public": "302 404 403 403 200 403 403", "confidential": "302 404 404 404 200 404 403"},
        {"public": "302 404 403 403 422 403 403", "confidential": "302 404 404 404 422 404 403"},
    ),
    "comment_delete": (
        {"public": "302 404 403 403 200 403 200", "confidential": "302 404 404 404 200 404 200"},
        {"public": "302 404 403 403 302 403 302", "confidential": "302 404 404 404 302 404 302"},
    ),
    # Whoever reads the measure may follow it, the council too.
    "follow_toggle": (
        "302 405 405 405 405 405 405",
        {"public": "302 404 302 302 302 302 302", "confidential": "302 404 404 404 302 404 302"},
    ),
    # Only FB 15 links and unlinks council papers, on objects it reads; an empty reference
    # comes back as a message on the measure's page (302).
    "council_paper_link": (
        "302 405 405 405 405 405 405",
        {"public": "302 404 403 403 403 403 302", "confidential": "302 404 404 404 403 404 302"},
    ),
    "council_paper_unlink": (
        "302 405 405 405 405 405 405",
        {"public": "302 404 403 403 403 403 302", "confidential": "302 404 404 404 403 404 302"},
    ),
    "strategy_detail": ("302 403 200 200 200 200 200", "302 403 200 200 200 200 200"),
    "strategy_edit": ("302 404 403 403 403 403 200", "302 404 403 403 403 403 422"),
    "strategy_history": ("302 404 403 200 200 200 200", "302 405 405 405 405 405 405"),
    "strategy_restore": ("302 404 403 403 403 403 200", "302 404 403 403 403 403 200"),
    "strategy_as_of": ("302 403 200 200 200 200 200", "302 403 200 200 200 200 200"),
    "strategy_compare": (
        {"published": "302 403 200 200 200 200 200", "draft": "302 403 403 200 200 200 200"},
        {"published": "302 403 200 200 200 200 200", "draft": "302 403 403 200 200 200 200"},
    ),
    "revision_list": ("302 403 200 200 200 200 200", "302 403 200 200 200 200 200"),
    "revision_publish": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 200"),
    "revision_edit": ("302 404 403 403 403 403 200", "302 404 403 403 403 403 422"),
    "revision_history": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "fieldofaction_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "fieldofaction_edit": (
        {"published": "302 404 403 403 403 403 200", "draft": "302 404 404 403 403 403 200"},
        {"published": "302 404 403 403 403 403 422", "draft": "302 404 404 403 403 403 422"},
    ),
    "fieldofaction_delete": (
        {"published": "302 404 403 403 403 403 200", "draft": "302 404 404 403 403 403 200"},
        {"published": "302 404 403 403 403 403 409", "draft": "302 404 404 403 403 403 302"},
    ),
    "fieldofaction_move": (
        "302 405 405 405 405 405 405",
        {"published": "302 404 403 403 403 403 302", "draft": "302 404 404 403 403 403 302"},
    ),
    "fieldofaction_history": (
        {"published": "302 404 403 200 200 200 200", "draft": "302 404 404 200 200 200 200"},
        "302 405 405 405 405 405 405",
    ),
    "fieldofaction_restore": (
        {"published": "302 404 403 403 403 403 200", "draft": "302 404 404 403 403 403 200"},
        {"published": "302 404 403 403 403 403 200", "draft": "302 404 404 403 403 403 200"},
    ),
    "goal_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "goal_edit": (
        {"published": "302 404 403 403 403 403 200", "draft": "302 404 404 403 403 403 200"},
        {"published": "302 404 403 403 403 403 422", "draft": "302 404 404 403 403 403 422"},
    ),
    "goal_delete": (
        {"published": "302 404 403 403 403 403 200", "draft": "302 404 404 403 403 403 200"},
        {"published": "302 404 403 403 403 403 409", "draft": "302 404 404 403 403 403 302"},
    ),
    "goal_move": (
        "302 405 405 405 405 405 405",
        {"published": "302 404 403 403 403 403 302", "draft": "302 404 404 403 403 403 302"},
    ),
    "goal_history": (
        {"published": "302 404 403 200 200 200 200", "draft": "302 404 404 200 200 200 200"},
        "302 405 405 405 405 405 405",
    ),
    "goal_restore": (
        {"published": "302 404 403 403 403 403 200", "draft": "302 404 404 403 403 403 200"},
        {"published": "302 404 403 403 403 403 200", "draft": "302 404 404 403 403 403 200"},
    ),
    # A goal's measures, as the strategy page shows them: the council reads the latest revision.
    "goal_items": (
        {"published": "302 403 200 200 200 200 200", "draft": "302 403 404 200 200 200 200"},
        "302 405 405 405 405 405 405",
    ),
    "standard_list": ("302 200 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "standard_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "standard_detail": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "standard_edit": ("302 404 403 403 403 403 200", "302 404 403 403 403 403 422"),
    "standard_delete": ("302 404 403 403 403 403 200", "302 404 403 403 403 403 409"),
    "standard_history": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "standard_compare": ("302 404 200 200 200 200 200", "302 404 200 200 200 200 200"),
    "compliance_matrix": ("302 403 200 200 200 200 200", "302 403 200 200 200 200 200"),
    "compliance_csv": ("302 403 200 200 200 200 200", "302 403 200 200 200 200 200"),
    "compliance_oscal": ("302 403 200 200 200 200 200", "302 403 200 200 200 200 200"),
    "compliance_edit": ("302 404 403 403 200 403 200", "302 404 403 403 422 403 422"),
    "compliance_confirm": ("302 405 405 405 405 405 405", "302 404 403 403 403 403 302"),
    "compliance_history": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "exemption_list": ("302 200 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "exemption_add": ("302 403 403 403 200 200 200", "302 403 403 403 422 422 422"),
    "exemption_detail": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "exemption_edit": ("302 404 403 403 200 403 200", "302 404 403 403 422 403 422"),
    "exemption_decide": ("302 405 405 405 405 405 405", "302 404 403 403 403 403 422"),
    "exemption_history": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "trend_radar": ("302 403 200 200 200 200 200", "302 403 200 200 200 200 200"),
    "trend_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "trend_detail": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "trend_edit": ("302 404 403 403 403 403 200", "302 404 403 403 403 403 422"),
    "trend_delete": ("302 404 403 403 403 403 200", "302 404 403 403 403 403 302"),
    "trend_history": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    # Verwaltungsleistungen: FB 15 keeps the catalogue; every role reads the entries (on the
    # pages that name them, and their history).
    "service_list": ("302 403 403 403 403 403 200", "302 405 405 405 405 405 405"),
    "service_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "service_detail": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "service_edit": ("302 404 403 403 403 403 200", "302 404 403 403 403 403 422"),
    "service_history": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "standards_news": ("302 200 200 200 200 200 200", "302 302 302 302 302 302 302"),
    "report_list": ("302 200 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "report_dashboard": ("302 403 200 200 200 200 200", "302 403 200 200 200 200 200"),
    "report_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "report_download": ("302 404 200 200 200 200 200", "302 404 200 200 200 200 200"),
    # The world's report is released: frozen, so FB 15's assessment or release is refused
    # with a message (302); a correction needs a note (422).
    "report_detail": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    # The accessibility statement is public; its feedback form without a message is 422.
    "accessibility": ("200 200 200 200 200 200 200", "422 422 422 422 422 422 422"),
    "report_assessment": ("302 405 405 405 405 405 405", "302 404 403 403 403 403 302"),
    "report_release": ("302 405 405 405 405 405 405", "302 404 403 403 403 403 302"),
    "report_note": ("302 405 405 405 405 405 405", "302 404 403 403 403 403 422"),
    "report_correct": ("302 405 405 405 405 405 405", "302 404 403 403 403 403 422"),
    # Only FB 15 offers a report on the portal (or takes it back).
    "report_publicity": ("302 405 405 405 405 405 405", "302 404 403 403 403 403 302"),
    # The public portal: the same for everyone, read-only.
    "portal_home": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "portal_strategy": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "portal_lagebild": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "portal_reports": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "portal_report_download": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "portal_open_data": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "portal_measures_csv": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "portal_measures_json": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "portal_catalog": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    # Every field is optional: an empty form is valid, but without the version it was
    # loaded at it is refused as a concurrent edit (409), as every edit form does.
    "portal_settings_edit": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 409"),
    "report_retry": ("405 405 405 405 405 405 405", "302 404 404 404 404 404 302"),
    "reportschedule_list": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 405"),
    "reportschedule_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "reportschedule_edit": ("302 404 404 404 404 404 200", "302 404 404 404 404 404 422"),
    "reportschedule_delete": ("302 404 404 404 404 404 200", "302 404 404 404 404 404 302"),
    # Only FB 15 reviews; the unreadable (confidential) update is 404 as on every page. An
    # empty question is refused with a message on the review page (302).
    "status_review_list": ("302 403 403 403 403 403 200", "302 405 405 405 405 405 405"),
    "status_acknowledge_many": ("302 405 405 405 405 405 405", "302 403 403 403 403 403 302"),
    "status_acknowledge": (
        "302 405 405 405 405 405 405",
        {"public": "302 404 403 403 403 403 302", "confidential": "302 404 404 404 403 404 302"},
    ),
    "status_return": (
        "302 405 405 405 405 405 405",
        {"public": "302 404 403 403 403 403 302", "confidential": "302 404 404 404 403 404 302"},
    ),
    "reminder_send": ("302 405 405 405 405 405 405", "302 403 403 403 403 403 302"),
    "import_upload": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "import_template": ("302 403 403 403 403 403 200", "302 405 405 405 405 405 405"),
    "import_export": ("302 403 403 403 403 403 200", "302 405 405 405 405 405 405"),
    "import_run": ("302 403 403 403 403 403 200", "302 405 405 405 405 405 405"),
    "import_plan": ("405 405 405 405 405 405 405", "302 403 403 403 403 403 302"),
    "import_words": ("405 405 405 405 405 405 405", "302 403 403 403 403 403 302"),
    "import_confirm": ("405 405 405 405 405 405 405", "302 403 403 403 403 403 422"),
    # The world's run rejected no rows: nothing to download.
    "import_rejected": ("302 403 403 403 403 403 404", "302 405 405 405 405 405 405"),
    # Needs: a unit reads and files its own (other units see public titles in the list
    # only); FB 15 reads all. Public or not, another unit's need is 404. The council and
    # users without a role do not open the list (403).
    "need_list": ("302 403 403 200 200 200 200", "302 405 405 405 405 405 405"),
    "need_add": ("302 403 403 403 200 200 200", "302 403 403 403 422 422 422"),
    "need_detail": ("302 404 404 404 200 404 200", "302 405 405 405 405 405 405"),
    "need_edit": ("302 404 404 404 200 404 200", "302 404 404 404 422 404 422"),
    "need_history": ("302 404 404 404 200 404 200", "302 405 405 405 405 405 405"),
    "need_attachment": ("302 404 404 404 200 404 200", "302 405 405 405 405 405 405"),
    # Triage is FB 15's: the unit's lead reads the need but may not decide (403).
    "need_triage": ("302 405 405 405 405 405 405", "302 404 404 404 403 404 422"),
    # Scores and rank: FB 15's (no score chosen: 422; an empty rank frees the rank: 302).
    "need_score": ("302 405 405 405 405 405 405", "302 404 404 404 403 404 422"),
    "need_rank": ("302 405 405 405 405 405 405", "302 404 404 404 403 404 302"),
    # Adopting as a new measure or project, merging: FB 15's (an empty form: 422).
    "need_adopt_measure": ("302 404 404 404 403 404 200", "302 404 404 404 403 404 422"),
    "need_adopt_project": ("302 404 404 404 403 404 200", "302 404 404 404 403 404 422"),
    "need_merge": ("302 404 404 404 403 404 200", "302 404 404 404 403 404 422"),
    "need_triage_list": ("302 403 403 403 403 403 200", "302 405 405 405 405 405 405"),
    "scoringcriterion_list": ("302 403 403 403 403 403 200", "302 405 405 405 405 405 405"),
    "scoringcriterion_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "scoringcriterion_edit": ("302 404 404 404 404 404 200", "302 404 404 404 404 404 422"),
    # Priority rounds: everybody with a role reads them, FB 15 proposes and closes; only the
    # owning unit answers a proposal (FB 15 may not answer for it: 403).
    "priorityround_list": ("302 200 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "priorityround_add": ("302 403 403 403 403 403 200", "302 403 403 403 403 403 422"),
    "priorityround_detail": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "priorityround_edit": ("302 404 403 403 403 403 200", "302 404 403 403 403 403 422"),
    "priorityround_history": ("302 404 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "priority_propose": ("302 405 405 405 405 405 405", "302 404 403 403 403 403 422"),
    "priorityround_close": ("302 405 405 405 405 405 405", "302 404 403 403 403 403 302"),
    "priority_respond": ("302 405 405 405 405 405 405", "302 404 404 404 422 404 403"),
    # Synergies are FB 15's page and marks.
    "synergies": ("302 403 403 403 403 403 200", "302 405 405 405 405 405 405"),
    # The similar-items box of an item: whoever reads the item.
    "similar_items": (
        {"public": "302 404 200 200 200 200 200", "confidential": "302 404 404 404 200 404 200"},
        "302 405 405 405 405 405 405",
    ),
    "synergy_mark": (
        "302 405 405 405 405 405 405",
        "302 403 403 403 403 403 302",
        lambda w: {
            "key_a": f"measure:{w['measure']['public'].pk}",
            "key_b": f"need:{w['need']['public'].pk}",
            "kind": "coordinate",
        },
    ),
}

ROWS: dict[str, Row] = {
    name: Row(urls, *EXPECTED[name]) for name, urls in ROUTES.items() if name in EXPECTED
}


def test_every_url_pattern_has_a_row():
    missing = [name for name in url_names() if name not in ROUTES or name not in EXPECTED]
    assert not missing, f"URL patterns without a row in the permission harness: {missing}"
    stale = [name for name in ROWS if name not in url_names()]
    assert not stale, f"rows for URL names that no longer exist: {stale}"


@pytest.fixture
def media(settings, tmp_path):
    """Report files go to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


def test_every_url_answers_every_role_as_the_table_says(media):
    world = build_world()
    results = observe(world, ROWS)
    wrong = [
        f"{name}[{variant}] {method} as {role}: expected {want}, got {got}"
        for name, variant, method, role, want, got in results
        if want != got
    ]
    assert not wrong, "\n".join(wrong)
    assert len(results) >= len(ROWS) * len(ROLES) * 2
