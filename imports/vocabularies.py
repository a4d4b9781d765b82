"""Words in cells that stand for one of our values: statuses, priorities, units, roles…

Each vocabulary knows its own words (our German labels, the codes, a few fixed synonyms);
every other word ("laufend", "FB 61/303") is unknown until the user maps it once — the
mapping is saved with the sheet's shape (`ImportMapping.values`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from fb15.models import OrgUnit, Role
from measures.models import Phase, Priority, Status, TrafficLight
from standards.models import Category, ComplianceState, Obligation, StandardStatus

from .values import normalise


class UnknownWord(ValueError):
    def __init__(self, vocabulary: Vocabulary, word: str):
        self.vocabulary = vocabulary
        self.word = word
        super().__init__(
            _("„%(word)s“ ist als %(what)s unbekannt – bitte unten zuordnen.")
            % {"word": word, "what": vocabulary.label}
        )


# Roles in the people sheet: the role groups, and the two unit functions.
LEAD = "lead"
DEPUTY = "deputy"
ROLE_CHOICES = [
    (LEAD, _("Fachbereichsleitung")),
    (DEPUTY, _("Stellvertretung")),
    (Role.STAFF.value, _("Mitarbeitende")),
    (Role.STRATEGY_TEAM.value, _("Strategieteam (FB 15)")),
    (Role.COUNCIL.value, _("Ratsmitglied")),
]


@dataclass(frozen=True)
class Vocabulary:
    name: str
    label: str
    choices: tuple = ()  # (value, label) pairs; units are read from the database
    synonyms: dict = field(default_factory=dict)  # word -> value

    def options(self) -> list[tuple[str, str]]:
        if self.name == "unit":
            return [(unit.code, str(unit)) for unit in OrgUnit.objects.order_by("code")]
        return [(value, str(label)) for value, label in self.choices]

    def known_words(self) -> dict[str, str]:
        words = {}
        for value, label in self.options():
            words[normalise(value)] = value
            words[normalise(label)] = value
        if self.name == "unit":
            words.update(
                {
                    normalise(name): code
                    for code, name in OrgUnit.objects.values_list("code", "name")
                }
            )
        words.update({normalise(word): value for word, value in self.synonyms.items()})
        return words


VOCABULARIES = {
    vocabulary.name: vocabulary
    for vocabulary in (
        Vocabulary(
            "status",
            _("Status"),
            tuple(Status.choices),
        ),
        Vocabulary(
            "priority",
            _("Priorität"),
            tuple(Priority.choices),
            {"1": Priority.HIGH, "2": Priority.MEDIUM, "3": Priority.LOW},
        ),
        Vocabulary("traffic_light", _("Ampel"), tuple(TrafficLight.choices)),
        Vocabulary("phase", _("Phase"), tuple(Phase.choices)),
        Vocabulary("obligation", _("Verbindlichkeit"), tuple(Obligation.choices)),
        Vocabulary("category", _("Kategorie"), tuple(Category.choices)),
        Vocabulary("standard_status", _("Status des Standards"), tuple(StandardStatus.choices)),
        Vocabulary(
            "compliance",
            _("Einhaltung"),
            tuple(
                (value, label)
                for value, label in ComplianceState.choices
                if value != ComplianceState.EXEMPT
            ),
        ),
        Vocabulary(
            "role",
            _("Rolle"),
            tuple(ROLE_CHOICES),
            {"Leitung": LEAD, "Mitarbeiter*in": Role.STAFF, "FB 15": Role.STRATEGY_TEAM},
        ),
        Vocabulary("unit", _("Fachbereich")),
    )
}


class WordBook:
    """The known words of every vocabulary plus the user's mapped ones, for one run."""

    def __init__(self, mapped: dict[str, dict[str, str]]):
        self.mapped = mapped
        self.unknown: dict[str, dict[str, None]] = {}  # vocabulary -> words, in file order
        self._known: dict[str, dict[str, str]] = {}

    def refresh(self, name: str) -> None:
        """Forget the cached words (new units were written)."""
        self._known.pop(name, None)

    def value(self, name: str, word: str) -> str:
        vocabulary = VOCABULARIES[name]
        if name not in self._known:
            known = vocabulary.known_words()
            known.update({normalise(w): value for w, value in self.mapped.get(name, {}).items()})
            self._known[name] = known
        value = self._known[name].get(normalise(word))
        if value is None:
            self.unknown.setdefault(name, {})[word] = None
            raise UnknownWord(vocabulary, word)
        return value
