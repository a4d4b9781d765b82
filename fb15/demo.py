"""Demo organisation of a German city: Dezernate, about 40 Fachbereiche and the demo logins.

Called by `manage.py seed_demo`; every write goes through `ensure`, so a second run finds
everything in place and writes nothing (no new history rows either).
"""

from __future__ import annotations

from django.contrib.auth.models import Group

from .models import CitySettings, Division, OrgUnit, Role, User
from .permissions import sync_unit_grants

DEMO_PASSWORD = "demo"

DIVISIONS = [
    (
        "I",
        "Oberbürgermeisterin",
        [
            ("FB 01", "Büro der Oberbürgermeisterin"),
            ("FB 02", "Rats- und Bezirksangelegenheiten"),
            ("FB 03", "Presse- und Öffentlichkeitsarbeit"),
            ("FB 04", "Gleichstellung und Vielfalt"),
            ("FB 14", "Rechnungsprüfung"),
        ],
    ),
    (
        "II",
        "Personal, Organisation und Digitalisierung",
        [
            ("FB 10", "Zentrale Dienste"),
            ("FB 11", "Personal und Organisation"),
            ("FB 12", "Wahlen und Statistik"),
            ("FB 15", "Digitale Verwaltung und IT-Steuerung"),
            ("FB 16", "Vergabe und Beschaffung"),
        ],
    ),
    (
        "III",
        "Finanzen und Beteiligungen",
        [
            ("FB 20", "Finanzsteuerung"),
            ("FB 21", "Stadtkasse und Steuern"),
            ("FB 22", "Beteiligungsmanagement"),
            ("FB 23", "Immobilienmanagement"),
        ],
    ),
    (
        "IV",
        "Recht, Sicherheit und Ordnung",
        [
            ("FB 30", "Recht und Versicherungen"),
            ("FB 32", "Sicherheit und Ordnung"),
            ("FB 33", "Bürgerservice"),
            ("FB 34", "Standesamt"),
            ("FB 37", "Feuerwehr"),
            ("FB 39", "Ausländer- und Einbürgerungsbehörde"),
        ],
    ),
    (
        "V",
        "Bildung, Jugend und Kultur",
        [
            ("FB 40", "Schule"),
            ("FB 41", "Kultur"),
            ("FB 42", "Volkshochschule"),
            ("FB 43", "Stadtbibliothek"),
            ("FB 44", "Musikschule"),
            ("FB 45", "Kinder, Jugend und Familie"),
            ("FB 46", "Museen"),
        ],
    ),
    (
        "VI",
        "Soziales, Integration und Gesundheit",
        [
            ("FB 50", "Soziales und Integration"),
            ("FB 52", "Sport"),
            ("FB 53", "Gesundheitsamt"),
            ("FB 56", "Wohnen"),
        ],
    ),
    (
        "VII",
        "Planung, Bau und Mobilität",
        [
            ("FB 61", "Stadtentwicklung und Stadtplanung"),
            ("FB 62", "Vermessung und Kataster"),
            ("FB 63", "Bauaufsicht"),
            ("FB 65", "Hochbau"),
            ("FB 66", "Straßenbau und Tiefbau"),
            ("FB 68", "Mobilität und Verkehr"),
        ],
    ),
    (
        "VIII",
        "Umwelt, Klima und Wirtschaft",
        [
            ("FB 36", "Klima und Umwelt"),
            ("FB 67", "Grünflächen und Friedhöfe"),
            ("FB 70", "Stadtbetrieb"),
            ("FB 80", "Wirtschaftsförderung und Europa"),
            ("FB 81", "Tourismus und Stadtmarketing"),
        ],
    ),
]

FIRST_NAMES = [
    "Anna",
    "Jonas",
    "Fatma",
    "Lukas",
    "Marie",
    "Mehmet",
    "Sophie",
    "Tobias",
    "Laura",
    "Dimitrios",
    "Katharina",
    "Paul",
    "Julia",
    "Sebastian",
    "Aylin",
    "Michael",
    "Lea",
    "Andreas",
    "Hannah",
    "Stefan",
    "Emilia",
    "Thomas",
    "Nina",
    "Jan",
    "Sabine",
    "Olga",
    "Christian",
    "Miriam",
    "Peter",
    "Ines",
]
LAST_NAMES = [
    "Schmitz",
    "Wagner",
    "Yılmaz",
    "Hoffmann",
    "Becker",
    "Krämer",
    "Schulz",
    "Kowalski",
    "Meyer",
    "Nowak",
    "Fischer",
    "Lange",
    "Richter",
    "Demir",
    "Keller",
    "Braun",
    "Vogel",
    "Hartmann",
    "Lehmann",
    "Papadopoulos",
    "Krüger",
    "Franke",
    "Zimmermann",
    "Jansen",
    "Peters",
    "Schreiber",
    "Winter",
    "Berger",
    "Kaiser",
    "Ludwig",
    "Maas",
    "Heinen",
]

# username: (first name, last name, role group, superuser?)
DEMO_USERS = {
    "admin": ("Ada", "Administratorin", None, True),
    "strategie": ("Sven", "Strategiewerk", Role.STRATEGY_TEAM, False),
    "leitung32": ("Karin", "Ordnungsmann", Role.STAFF, False),
    "leitung50": ("Emre", "Sozialberger", Role.STAFF, False),
    "rat": ("Ruth", "Ratsfrau", Role.COUNCIL, False),
    "mitarbeiter": ("Max", "Mitarbeiter", Role.STAFF, False),
}
DEMO_LEADS = {"FB 32": "leitung32", "FB 50": "leitung50"}
DEMO_MEMBERSHIPS = {"strategie": "FB 15", "mitarbeiter": "FB 33"}


def ensure(model, lookup: dict, values: dict):
    """Get or create the row; save only fields that differ. Returns (object, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return obj, bool(changed)


def ensure_m2m(manager, objects) -> None:
    if set(manager.all()) != set(objects):
        manager.set(objects)


def _person(username: str, first: str, last: str, *, can_log_in: bool) -> User:
    user, created = ensure(
        User,
        {"username": username},
        {"first_name": first, "last_name": last, "email": f"{username}@stadt.example"},
    )
    if created:
        if can_log_in:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


DEMO_CITY = {
    "city_name": "Stadt Aachen",
    "office_name": "FB 15 – Digitale Verwaltung und IT-Steuerung",
    "email": "digitalisierung@stadt.example",
    "phone": "0241 432-0",
    "address": "Rathaus, Markt, 52062 Aachen",
}


def seed(log) -> None:
    ensure(CitySettings, {"pk": 1}, DEMO_CITY)
    groups = {role: Group.objects.get(name=role) for role in Role.values}
    people = {}
    for username, (first, last, role, is_superuser) in DEMO_USERS.items():
        user = _person(username, first, last, can_log_in=True)
        ensure(User, {"pk": user.pk}, {"is_superuser": is_superuser, "is_staff": is_superuser})
        ensure_m2m(user.groups, [groups[role]] if role else [])
        people[username] = user

    staff_group = groups[Role.STAFF]
    counter = 0

    def next_person(prefix: str) -> User:
        nonlocal counter
        first = FIRST_NAMES[counter % len(FIRST_NAMES)]
        last = LAST_NAMES[(counter * 7) % len(LAST_NAMES)]
        counter += 1
        user = _person(f"{prefix}", first, last, can_log_in=False)
        ensure_m2m(user.groups, [staff_group])
        return user

    for position, (number, name, units) in enumerate(DIVISIONS, start=1):
        division, _ = ensure(Division, {"number": number}, {"name": name, "position": position})
        for code, unit_name in units:
            digits = code.split()[-1]
            lead = people.get(DEMO_LEADS.get(code, "")) or next_person(f"fbl{digits}")
            unit, _ = ensure(
                OrgUnit,
                {"code": code},
                {
                    "name": unit_name,
                    "division": division,
                    "lead": lead,
                    "email": f"fb{digits}@stadt.example",
                },
            )
            deputy = next_person(f"stv{digits}")
            members = [next_person(f"ma{digits}{i}") for i in (1, 2)]
            members += [people[u] for u, c in DEMO_MEMBERSHIPS.items() if c == code]
            ensure_m2m(unit.deputies, [deputy])
            ensure_m2m(unit.members, members)
            sync_unit_grants(unit)
    log(
        f"{OrgUnit.objects.count()} Fachbereiche in {Division.objects.count()} Dezernaten, "
        f"{User.objects.count()} Personen"
    )
