"""`manage.py setup_city`: from an empty database to the city's own instance with an admin."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fb15.models import CitySettings, Role, User
from strategy.models import Strategy

pytestmark = pytest.mark.django_db

PASSWORD = "Ein-langes-Passwort-2026"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40"/></svg>'


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def setup_city(*args: str) -> str:
    out = io.StringIO()
    call_command("setup_city", *args, stdout=out)
    return out.getvalue()


def answer(monkeypatch, *answers: str, passwords: tuple[str, ...] = ()) -> None:
    """Type `answers` at the prompts (Enter = "") and `passwords` at the password prompts."""
    typed, secret = iter(answers), iter(passwords)
    monkeypatch.setattr("builtins.input", lambda prompt: next(typed))
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(secret))


def test_noinput_sets_the_city_creates_the_admin_in_the_strategy_team_and_the_strategy(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("FB15_ADMIN_PASSWORD", PASSWORD)
    logo = tmp_path / "wappen.svg"
    logo.write_bytes(SVG)
    output = setup_city(
        "--noinput",
        "--city=Stadt Musterhausen",
        "--office=Amt für Digitales",
        "--email=digital@musterhausen.example",
        f"--logo={logo}",
        "--admin-username=chefin",
        "--admin-email=chefin@musterhausen.example",
    )
    assert "„Stadt Musterhausen“ ist eingerichtet" in output
    city = CitySettings.objects.get()
    assert (city.city_name, city.office_name, city.email) == (
        "Stadt Musterhausen",
        "Amt für Digitales",
        "digital@musterhausen.example",
    )
    assert city.logo.read() == SVG
    admin = User.objects.get(username="chefin")
    assert admin.is_superuser and admin.is_staff and admin.check_password(PASSWORD)
    assert admin.email == "chefin@musterhausen.example"
    assert admin.groups.filter(name=Role.STRATEGY_TEAM).exists()
    assert Strategy.objects.get().title == "Digitale Strategie – Stadt Musterhausen"


def test_noinput_without_the_password_variable_refuses_in_german_and_writes_nothing(monkeypatch):
    monkeypatch.delenv("FB15_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="Umgebungsvariable FB15_ADMIN_PASSWORD"):
        setup_city("--noinput", "--city=Stadt Musterhausen")
    assert not User.objects.filter(username="admin").exists()
    assert CitySettings.objects.get().city_name == "Stadtverwaltung"


def test_running_again_updates_the_settings_and_the_admin_and_keeps_the_password(monkeypatch):
    monkeypatch.setenv("FB15_ADMIN_PASSWORD", PASSWORD)
    setup_city("--noinput", "--city=Stadt Musterhausen", "--admin-email=alt@stadt.example")
    monkeypatch.delenv("FB15_ADMIN_PASSWORD")
    output = setup_city("--noinput", "--city=Stadt Neuhausen", "--admin-email=neu@stadt.example")
    assert "bestehendes Konto aktualisiert" in output
    assert CitySettings.objects.get().city_name == "Stadt Neuhausen"
    admin = User.objects.get(username="admin")
    assert admin.email == "neu@stadt.example" and admin.check_password(PASSWORD)
    assert admin.groups.filter(name=Role.STRATEGY_TEAM).count() == 1
    # The strategy keeps its name once it exists: it may have been renamed since.
    assert Strategy.objects.count() == 1


def test_running_again_with_a_password_sets_the_new_one_and_keeps_what_is_not_given(
    monkeypatch,
):
    monkeypatch.setenv("FB15_ADMIN_PASSWORD", PASSWORD)
    setup_city("--noinput", "--city=Stadt Musterhausen", "--admin-email=admin@stadt.example")
    monkeypatch.setenv("FB15_ADMIN_PASSWORD", "Ein-anderes-Passwort-2027")
    setup_city("--noinput")
    admin = User.objects.get(username="admin")
    assert admin.check_password("Ein-anderes-Passwort-2027")
    assert admin.email == "admin@stadt.example"
    assert CitySettings.objects.get().city_name == "Stadt Musterhausen"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--email=keine-adresse"], "gültige E-Mail-Adresse"),
        (["--logo=/gibt/es/nicht.png"], "gibt es nicht"),
        (["--admin-username=mit leerzeichen"], "Benutzername"),
    ],
)
def test_wrong_input_is_refused_in_german_and_writes_nothing(monkeypatch, arguments, message):
    monkeypatch.setenv("FB15_ADMIN_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match=message):
        setup_city("--noinput", "--city=Stadt Musterhausen", *arguments)
    assert not User.objects.filter(is_superuser=True).exists()
    assert CitySettings.objects.get().city_name == "Stadtverwaltung"


def test_a_logo_that_is_no_image_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("FB15_ADMIN_PASSWORD", PASSWORD)
    fake = tmp_path / "logo.png"
    fake.write_text("kein Bild")
    with pytest.raises(CommandError, match="Inhalt der Datei passt nicht"):
        setup_city("--noinput", f"--logo={fake}")
    assert not CitySettings.objects.get().logo


def test_a_weak_password_is_refused(monkeypatch):
    monkeypatch.setenv("FB15_ADMIN_PASSWORD", "1234")
    with pytest.raises(CommandError, match="zu kurz"):
        setup_city("--noinput")
    assert not User.objects.exists()


def test_interactive_mode_asks_with_defaults_and_for_the_password_twice(monkeypatch):
    monkeypatch.delenv("FB15_ADMIN_PASSWORD", raising=False)
    # city, office (default), e-mail, logo (none), username, admin e-mail (default)
    answer(
        monkeypatch,
        "Stadt Musterhausen",
        "",
        "digital@musterhausen.example",
        "",
        "chefin",
        "",
        passwords=("anders-getippt-2026", PASSWORD, PASSWORD, PASSWORD),
    )
    err = io.StringIO()
    call_command("setup_city", stdout=io.StringIO(), stderr=err)
    assert "stimmen nicht überein" in err.getvalue()
    city = CitySettings.objects.get()
    assert city.city_name == "Stadt Musterhausen"
    assert city.office_name == "FB 15 – Digitale Verwaltung und IT-Steuerung"
    admin = User.objects.get(username="chefin")
    # The admin's address defaults to the contact address.
    assert admin.email == "digital@musterhausen.example" and admin.check_password(PASSWORD)


def test_interactive_mode_keeps_an_existing_admins_password_on_enter(monkeypatch):
    monkeypatch.setenv("FB15_ADMIN_PASSWORD", PASSWORD)
    setup_city("--noinput")
    monkeypatch.delenv("FB15_ADMIN_PASSWORD")
    answer(monkeypatch, "", "", "", "", "admin", "admin@stadt.example", passwords=("",))
    call_command("setup_city", stdout=io.StringIO())
    admin = User.objects.get(username="admin")
    assert admin.email == "admin@stadt.example" and admin.check_password(PASSWORD)
