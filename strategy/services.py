"""Writes of the strategy: publish a revision, order and save fields and goals, restore.

Plain functions with an explicit `actor`; each runs in one transaction and records the
actor and the change reason in history. Views, tests, commands and reports call these.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fb15.history import stamp_history

from .models import FieldOfAction, Goal, Revision, Strategy, may_read_draft
from .tree import StrategyTree, build_tree, diff_trees


def _stamp(obj: models.Model, actor, reason: str | None, at: datetime.datetime | None = None):
    stamp_history(obj, actor=actor, reason=reason or "", at=at)


def current_strategy() -> Strategy | None:
    """The city's strategy (the first one if there were ever several)."""
    return Strategy.objects.order_by("pk").first()


@transaction.atomic
def ensure_strategy(*, settings, actor) -> Strategy:
    """A step of `fb15.services.set_up_city`: a new instance gets its strategy, still empty,
    so fields of action can be added (or imported) straight away."""
    strategy = current_strategy()
    if strategy is None:
        strategy = Strategy(title=_("Digitale Strategie – %(city)s") % {"city": settings.city_name})
        _stamp(strategy, actor, "manage.py setup_city")
        strategy.save()
    return strategy


@dataclass(frozen=True)
class GoalLabel:
    number: str
    title: str
    field_title: str

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


def goal_labels(user) -> dict[int, GoalLabel]:
    """How `user` may read each goal's name: the draft for draft readers, otherwise the
    latest published revision. Goals missing from it are missing here (shown as draft).

    Two queries; used by measure lists, headers and exports so no draft title leaks.
    """
    strategy = current_strategy()
    if strategy is None:
        return {}
    if may_read_draft(user):
        fields = FieldOfAction.objects.filter(strategy=strategy)
        goals = Goal.objects.filter(field_of_action__strategy=strategy)
    else:
        latest = Revision.objects.filter(strategy=strategy).order_by("-published_at").first()
        if latest is None:
            return {}
        fields = FieldOfAction.history.as_of(latest.published_at).filter(strategy_id=strategy.pk)
        goals = Goal.history.as_of(latest.published_at)
    by_id = {f.pk: f for f in fields}
    return {
        goal.pk: GoalLabel(
            f"{by_id[goal.field_of_action_id].position}.{goal.position}",
            goal.title,
            by_id[goal.field_of_action_id].title,
        )
        for goal in goals
        if goal.field_of_action_id in by_id
    }


# --------------------------------------------------------------------------- revisions


def check_revision_data(
    strategy: Strategy, *, number: int, decided_on: datetime.date, exclude_pk=None
) -> dict[str, str]:
    """German messages per field for a new revision's number and decision date."""
    errors = {}
    others = Revision.objects.filter(strategy=strategy).exclude(pk=exclude_pk)
    if others.filter(number=number).exists():
        errors["number"] = _("Die Fortschreibung Nr. %(number)s gibt es bereits.") % {
            "number": number
        }
    else:
        highest = others.aggregate(highest=Max("number"))["highest"]
        if highest is not None and number <= highest:
            errors["number"] = _(
                "Die Nummer muss größer sein als die der letzten Fortschreibung (%(highest)s)."
            ) % {"highest": highest}
    if decided_on > timezone.localdate():
        errors["decided_on"] = _(
            "Der Ratsbeschluss liegt in der Zukunft. Veröffentlichen Sie die Fortschreibung "
            "erst, wenn der Rat sie beschlossen hat."
        )
    else:
        latest = others.order_by("-number").first()
        if latest and decided_on < latest.decided_on:
            errors["decided_on"] = _(
                "Der Ratsbeschluss kann nicht vor dem der letzten Fortschreibung (%(date)s) liegen."
            ) % {"date": date_format(latest.decided_on, "DATE_FORMAT")}
    return errors


@transaction.atomic
def publish_revision(
    *,
    actor,
    strategy: Strategy,
    number: int,
    title: str,
    decided_on: datetime.date,
    decision_reference: str,
    summary: str = "",
    at: datetime.datetime | None = None,
) -> Revision:
    """Publish the current draft as revision `number`: from now on it is frozen.

    `at` (default now) is the publication moment; only demo data and imports of past
    decisions pass it. Raises ValidationError with German messages per field, and
    PermissionDenied unless `actor` may publish (draft right and adding revisions).
    """
    # Serialise publishing: two people publishing at once must not both get a number.
    locked = Strategy.objects.restrict(actor, "publish").select_for_update().filter(pk=strategy.pk)
    if locked.first() is None:
        raise PermissionDenied
    title, decision_reference = title.strip(), decision_reference.strip()
    errors = check_revision_data(strategy, number=number, decided_on=decided_on)
    if not title:
        errors["title"] = _("Bitte einen Titel angeben.")
    if not decision_reference:
        errors["decision_reference"] = _("Bitte das Aktenzeichen des Ratsbeschlusses angeben.")
    at = at or timezone.now()
    latest = Revision.objects.filter(strategy=strategy).order_by("-published_at").first()
    if latest and at <= latest.published_at:
        errors.setdefault(
            "number", _("Der Veröffentlichungszeitpunkt liegt vor der letzten Fortschreibung.")
        )
    if errors:
        raise ValidationError(errors)
    revision = Revision(
        strategy=strategy,
        number=number,
        title=title,
        decided_on=decided_on,
        decision_reference=decision_reference,
        summary=summary.strip(),
        published_at=at,
    )
    _stamp(revision, actor, _("Veröffentlicht"), at)
    revision.save()
    return revision


@transaction.atomic
def amend_revision(*, actor, revision: Revision, data: dict, reason: str = "") -> Revision:
    """Change a published revision: only its summary may change; the rest is frozen."""
    current = Revision.objects.select_for_update().get(pk=revision.pk)
    frozen = [
        str(Revision._meta.get_field(name).verbose_name)
        for name in Revision.FROZEN_FIELDS
        if name in data and data[name] != getattr(current, name)
    ]
    if frozen:
        raise ValidationError(
            _(
                "Die Fortschreibung Nr. %(number)s ist veröffentlicht und damit eingefroren: "
                "%(fields)s können nicht mehr geändert werden. Nur die Zusammenfassung "
                "lässt sich ergänzen."
            )
            % {"number": current.number, "fields": ", ".join(frozen)}
        )
    current.summary = data.get("summary", current.summary).strip()
    _stamp(current, actor, reason)
    current.save()
    return current


def readable_strategy(user) -> Strategy | None:
    """The strategy if `user` may read it; PermissionDenied for users without a strategy role
    (pages and API alike)."""
    if not Strategy.objects.may_add(user) and not user.has_perm("strategy.view_strategy"):
        raise PermissionDenied
    return Strategy.objects.restrict(user, "view").order_by("pk").first()


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def moment_as_of(
    user, revisions: list[Revision], *, number: int | None = None, day: datetime.date | None = None
) -> tuple[datetime.datetime | None, Revision | None]:
    """When to read the strategy for `user` as of revision `number` (one of `revisions`, the
    user's readable ones, newest first) or the end of `day`; and the revision in force then.

    The council reads adopted revisions only, also when asking for a date: the revision in
    force that day (None before the first). Draft readers get the exact state of the day.
    """
    if number:
        revision = next(r for r in revisions if r.number == number)
        return revision.published_at, revision
    when = end_of_day(day)
    in_force = [r for r in revisions if r.published_at <= when]
    revision = in_force[0] if in_force else None
    if not may_read_draft(user):
        when = revision.published_at if revision else None
    return when, revision


def revision_moment(revision: Revision) -> datetime.datetime:
    return revision.published_at


def revision_tree(
    revision: Revision,
    *,
    user=None,
    live_items: bool = False,
    inline_limit: int | None = None,
    only_items: dict | None = None,
    public: bool = False,
) -> StrategyTree:
    """The strategy exactly as published in `revision`, from history (see `build_tree`)."""
    return build_tree(
        revision.strategy,
        revision_moment(revision),
        user=user,
        live_items=live_items,
        inline_limit=inline_limit,
        only_items=only_items,
        public=public,
    )


def diff_revisions(old: Revision, new: Revision | None, *, user=None):
    """Changes from revision `old` to revision `new` (None = today's draft)."""
    new_tree = revision_tree(new, user=user) if new else build_tree(old.strategy, user=user)
    return diff_trees(revision_tree(old, user=user), new_tree)


# --------------------------------------------------------------------------- fields and goals


def _next_position(queryset: models.QuerySet) -> int:
    return (queryset.aggregate(highest=Max("position"))["highest"] or 0) + 1


@transaction.atomic
def save_field_of_action(field_of_action: FieldOfAction, *, actor, reason: str = ""):
    """Create (at the end of the order, unless a position is given) or save a field of action."""
    if field_of_action.pk is None and field_of_action.position is None:
        field_of_action.position = _next_position(
            FieldOfAction.objects.select_for_update().filter(strategy=field_of_action.strategy)
        )
    _stamp(field_of_action, actor, reason)
    field_of_action.save()
    return field_of_action


@transaction.atomic
def save_goal(goal: Goal, *, actor, reason: str = "") -> Goal:
    """Create or save a goal; a new goal without a position (an import gives it one), or
    one moved to another field, goes to the end."""
    previous_field_id = None
    if goal.pk:
        previous_field_id = (
            Goal.objects.filter(pk=goal.pk).values_list("field_of_action_id", flat=True).first()
        )
    moved = goal.pk is not None and previous_field_id != goal.field_of_action_id
    if moved or (goal.pk is None and goal.position is None):
        goal.position = _next_position(
            Goal.objects.select_for_update().filter(field_of_action=goal.field_of_action_id)
        )
    _stamp(goal, actor, reason)
    goal.save()
    return goal


def _siblings(obj) -> models.QuerySet:
    if isinstance(obj, Goal):
        return Goal.objects.filter(field_of_action=obj.field_of_action_id)
    return FieldOfAction.objects.filter(strategy=obj.strategy_id)


@transaction.atomic
def move(*, actor, obj: FieldOfAction | Goal, direction: str, reason: str = "") -> bool:
    """Swap `obj` with its neighbour above ("up") or below ("down"). False at either end.

    The unique position per parent cannot be deferred on every database, so the swap
    parks `obj` on a free position first (a plain UPDATE: that intermediate state is never
    committed and writes no history), then saves both with history.
    """
    siblings = _siblings(obj).select_for_update()
    obj = siblings.get(pk=obj.pk)
    if direction == "up":
        neighbour = siblings.filter(position__lt=obj.position).order_by("-position").first()
    else:
        neighbour = siblings.filter(position__gt=obj.position).order_by("position").first()
    if neighbour is None:
        return False
    own, other = obj.position, neighbour.position
    parking = _next_position(siblings)
    type(obj)._base_manager.filter(pk=obj.pk).update(position=parking)
    neighbour.position = own
    _stamp(neighbour, actor, reason or _("Reihenfolge geändert"))
    neighbour.save()
    obj.position = other
    _stamp(obj, actor, reason or _("Reihenfolge geändert"))
    obj.save()
    return True


# --------------------------------------------------------------------------- restore

RESTORED_FIELDS = {
    Strategy: ("title", "vision"),
    FieldOfAction: ("title", "description"),
    Goal: ("title", "description", "target_year"),
}


@transaction.atomic
def restore_version(*, actor, history_record, reason: str = ""):
    """Write the text of an older version back onto the live object.

    This adds a new history entry ("Wiederhergestellt aus Version vom …"); history itself
    is never rewritten. Order and parent stay as they are now (use move for those).
    """
    model = history_record.instance_type
    pk = getattr(history_record, model._meta.pk.attname)
    obj = model._base_manager.select_for_update().get(pk=pk)
    for name in RESTORED_FIELDS[model]:
        setattr(obj, name, getattr(history_record, name))
    when = date_format(timezone.localtime(history_record.history_date), "SHORT_DATETIME_FORMAT")
    note = _("Wiederhergestellt aus Version vom %(when)s") % {"when": when}
    _stamp(obj, actor, f"{note}: {reason}" if reason else note)
    obj.save()
    return obj
