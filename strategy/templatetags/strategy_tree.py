"""The strategy tree's fields of action and goals (strategy/inc/tree.html), rendered in Python.

A strategy page repeats the same controls for every field of action and goal: edit, move,
history and delete links with their accessible names, a roll-up, the on-demand item lists.
Rendered by template tags and includes, that cost hundreds of URL reversals and about a
thousand translations per page (70 % of the page's time). Here each URL pattern is reversed
once per page and the pk put in its place, and each label is translated once per page;
values are escaped as `{{ value }}` escapes them (f-strings: format_html costs more than the
rest of a line).
"""

from __future__ import annotations

import html

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from fb15.templatetags.lights import light_badge

from .goal_items import goal_item_line

register = template.Library()

_PROBE = 987654321  # a pk no row has: its place in a reversed URL is where each pk goes
_URL_NAMES = (
    "fieldofaction_edit",
    "fieldofaction_move",
    "fieldofaction_history",
    "fieldofaction_delete",
    "goal_edit",
    "goal_move",
    "goal_history",
    "goal_delete",
)


class _Page:
    """Labels and URL patterns of one rendering of the tree (language and script prefix)."""

    def __init__(self, context):
        self.can_edit = context.get("can_edit")
        self.history_only = (
            not self.can_edit and context.get("can_read_draft") and context.get("is_draft")
        )
        self.can_edit_goals = context.get("can_edit_goals")
        query = context.get("items_query")
        self.items_query = f"?{query}" if query else ""
        self.csrf = CsrfTokenNode().render(context) if self.can_edit else ""
        self.urls = {name: reverse(name, args=[_PROBE]).split(str(_PROBE)) for name in _URL_NAMES}
        self.items_urls: dict[str, list[str]] = {}
        self.goal_add = reverse("goal_add")
        self.text = {
            "edit": gettext("Bearbeiten"),
            "history": gettext("Historie"),
            "delete": gettext("Löschen"),
            "field": gettext("Handlungsfeld"),
            "goal": gettext("Ziel"),
            "up": gettext("Nach oben"),
            "down": gettext("Nach unten"),
            "target_year": gettext("Zieljahr"),
            "no_goals": gettext("Noch keine Ziele."),
            "add_goal": gettext("Ziel hinzufügen"),
        }

    def url(self, name: str, pk) -> str:
        prefix, suffix = self.urls[name]
        return f"{prefix}{pk}{suffix}"

    def items_url(self, pk, key: str) -> str:
        if key not in self.items_urls:
            self.items_urls[key] = reverse("goal_items", args=[_PROBE, key]).split(str(_PROBE))
        prefix, suffix = self.items_urls[key]
        return f"{prefix}{pk}{suffix}"


def _page(context) -> _Page:
    cache = context.render_context
    if "strategy_tree_page" not in cache:
        cache["strategy_tree_page"] = _Page(context)
    return cache["strategy_tree_page"]


def _e(value) -> str:
    """`value` escaped as _e() (and `{{ value }}`) escapes it."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _html(template_string: str, *args) -> SafeString:
    """format_html() for this module's hot loop: the same escaping, less overhead."""
    return SafeString(template_string.format(*map(_e, args)))


def _value(value) -> str:
    """A number or text as `{{ value }}` shows it (localised, escaped)."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localize() gives for it, without its cost
    return _e(localize(value))


def _rollup(rollup, id_) -> str:
    """strategy/inc/rollup.html: share per traffic light and average progress."""
    if not rollup:
        return ""
    count = ngettext("%(counter)s Maßnahme", "%(counter)s Maßnahmen", rollup.count) % {
        "counter": _value(rollup.count)
    }
    shares = "".join(
        f'{light_badge(share.value, share.label)} <span class="kern-body kern-body--small">'
        f"{_value(share.percent)} %</span> "
        for share in rollup.shares
    )
    lines = [
        '<div class="fb15-rollup">',
        f'  <span class="kern-body kern-body--small">{count}:</span>',
        f"  {shares}",
    ]
    if rollup.average_progress is not None:
        value = _value(rollup.average_progress)
        label = gettext("Fortschritt im Mittel %(value)s %%") % {"value": value}
        lines += [
            '  <div class="kern-progress fb15-rollup__progress">',
            f'    <label class="kern-label" for="rollup-{_value(id_)}">{label}</label>',
            f'    <progress id="rollup-{_value(id_)}" value="{value}" max="100">'
            f"{value} %</progress>",
            "  </div>",
        ]
    lines.append("</div>")
    return "\n".join(lines)


def _move_buttons(page: _Page, url_name: str, pk, kind: str, number, first, last) -> str:
    """strategy/inc/move_buttons.html: move up / down as plain POST forms."""
    suffix = _html('<span class="kern-sr-only"> – {} {}</span>', kind, number)
    up = (
        ""
        if first
        else _html(
            '<button type="submit" name="richtung" value="hoch" class="kern-btn kern-btn--tertiary '
            'kern-btn--small"><span class="kern-icon kern-icon--arrow-up" aria-hidden="true">'
            '</span><span class="kern-label">{}{}</span></button>',
            page.text["up"],
            suffix,
        )
    )
    down = (
        ""
        if last
        else _html(
            '<button type="submit" name="richtung" value="runter" class="kern-btn '
            'kern-btn--tertiary kern-btn--small"><span class="kern-icon kern-icon--arrow-down" '
            'aria-hidden="true"></span><span class="kern-label">{}{}</span></button>',
            page.text["down"],
            suffix,
        )
    )
    return _html(
        '<form method="post" action="{}" class="fb15-inline-form">\n  {}\n  {}\n  {}\n</form>',
        page.url(url_name, pk),
        page.csrf,
        up,
        down,
    )


def _actions(page: _Page, kind: str, prefix: str, pk, number, first, last) -> list[str]:
    """Edit, move, history and delete of a field of action or goal (`prefix` of the URL names),
    or only the history link for a reader of the draft."""
    text = page.text
    kind_label = text[kind]
    if page.can_edit:
        name = _html("{} {}", kind_label, number)
        return [
            '<div class="fb15-actions">',
            _html(
                '  <a class="kern-btn kern-btn--secondary kern-btn--small" href="{}" '
                'aria-label="{} – {}"><span class="kern-icon kern-icon--edit" aria-hidden="true">'
                '</span><span class="kern-label">{}</span></a>',
                page.url(f"{prefix}_edit", pk),
                text["edit"],
                name,
                text["edit"],
            ),
            "  " + _move_buttons(page, f"{prefix}_move", pk, kind_label, number, first, last),
            _html(
                '  <a class="kern-btn kern-btn--tertiary kern-btn--small" href="{}" '
                'aria-label="{} – {}"><span class="kern-label">{}</span></a>',
                page.url(f"{prefix}_history", pk),
                text["history"],
                name,
                text["history"],
            ),
            _html(
                '  <a class="kern-btn kern-btn--tertiary kern-btn--small" href="{}" '
                'aria-label="{} – {}"><span class="kern-icon kern-icon--delete" '
                'aria-hidden="true"></span><span class="kern-label">{}</span></a>',
                page.url(f"{prefix}_delete", pk),
                text["delete"],
                name,
                text["delete"],
            ),
            "</div>",
        ]
    if page.history_only:
        return [
            _html(
                '<p class="kern-body kern-body--small"><a class="kern-link" href="{}">{}'
                '<span class="kern-sr-only"> – {} {}</span></a></p>',
                page.url(f"{prefix}_history", pk),
                text["history"],
                kind_label,
                number,
            )
        ]
    return []


def _goal(page: _Page, goal_node, first: bool, last: bool) -> str:
    goal = goal_node.goal
    number = goal_node.number
    lines = [
        _html('<article class="fb15-goal" id="ziel-{}">', _value(goal.pk)),
        _html('  <h4 class="kern-heading-small">{} {}</h4>', number, goal.title),
    ]
    if goal.description:
        lines.append(_html('  <p class="kern-body fb15-prewrap">{}</p>', goal.description))
    if goal.target_year:
        lines.append(
            _html(
                '  <p class="kern-body kern-body--small fb15-muted">{}: {}</p>',
                page.text["target_year"],
                _value(goal.target_year),
            )
        )
    if rollup := _rollup(goal_node.rollup, number):
        lines.append(rollup)
    for rows in goal_node.items.values():
        if rows:
            lines.append('  <ul class="kern-list fb15-goal-items">')
            lines.extend(f"    <li>{goal_item_line(item)}</li>" for item in rows)
            lines.append("  </ul>")
    for key, label, count in goal_node.deferred:
        href = _e(page.items_url(goal.pk, key) + page.items_query)
        target = _e(f"#ziel-{goal.pk}-{key}")
        text = gettext("%(label)s anzeigen (%(count)s)") % {
            "label": _value(label),
            "count": _value(count),
        }
        lines += [
            _html('  <div id="ziel-{}-{}">', _value(goal.pk), key),
            f'    <a class="kern-link" href="{href}" hx-get="{href}" hx-target="{target}" '
            f'hx-swap="outerHTML">{text}'
            + _html('<span class="kern-sr-only"> – {} {}</span></a>', page.text["goal"], number),
            "  </div>",
        ]
    lines += ["  " + line for line in _actions(page, "goal", "goal", goal.pk, number, first, last)]
    lines.append("</article>")
    return "\n".join(lines)


@register.simple_tag(takes_context=True)
def tree_field(context, node, first: bool, last: bool) -> SafeString:
    """One field of action as `<details>` with its goals (each part escaped on its own)."""
    page = _page(context)
    field = node.field
    number = node.number
    lines = [
        _html(
            '<details class="kern-accordion fb15-field" id="handlungsfeld-{}" open>',
            _value(field.pk),
        ),
        _html(
            '  <summary class="kern-accordion__header"><h3 class="kern-title">{} {}</h3></summary>',
            number,
            field.title,
        ),
        '  <div class="kern-accordion__body kern-stack">',
    ]
    if field.description:
        lines.append(_html('    <p class="kern-body fb15-prewrap">{}</p>', field.description))
    if rollup := _rollup(node.rollup, number):
        lines.append(rollup)
    lines += [
        "    " + line
        for line in _actions(page, "field", "fieldofaction", field.pk, number, first, last)
    ]
    goals = node.goals
    for index, goal_node in enumerate(goals):
        lines.append(_goal(page, goal_node, index == 0, index == len(goals) - 1))
    if not goals:
        lines.append(_html('    <p class="kern-body">{}</p>', page.text["no_goals"]))
    if page.can_edit_goals:
        lines.append(
            _html(
                '    <p><a class="kern-btn kern-btn--secondary kern-btn--small" '
                'href="{}?handlungsfeld={}" aria-label="{} – {} {}"><span class="kern-icon '
                'kern-icon--add" aria-hidden="true"></span><span class="kern-label">{}</span>'
                "</a></p>",
                page.goal_add,
                _value(field.pk),
                page.text["add_goal"],
                page.text["field"],
                number,
                page.text["add_goal"],
            )
        )
    lines += ["  </div>", "</details>"]
    return SafeString("\n".join(lines))  # every line built by _html or from escaped values
