"""Comments with @-mentions and following („Beobachten“) on measures, projects, exemptions.

Who reads a comment follows its subject (a lead of another unit never sees the comments of
a confidential measure, not even by guessing ids); the council reads but does not write;
only the author edits; the author or FB 15 deletes. Mentions and followers are mailed
through the outbox (Notification rows), only when they may read the subject.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from fb15.comments import (
    SHOWN_ON_SUBJECT_PAGE,
    follow,
    mentioned_names,
    post_comment,
    unfollow,
)
from fb15.models import Comment, Following, Notification, Role
from measures.services import file_status_update
from tests.factories import ExemptionFactory, StandardFactory, UserFactory, make_periods, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    world = make_world(personas, make_periods())
    confidential = world["own"]["measure"]
    confidential.is_confidential = True
    confidential.save()
    world["public"] = world["other"]["measure"]  # FB 50's, public
    world["confidential"] = confidential  # FB 32's, confidential
    return world


def list_url(measure) -> str:
    return reverse("comment_list", args=["massnahmen", measure.pk])


def mails_to(user) -> list[Notification]:
    return [note for note in Notification.objects.order_by("pk") if user.email in note.recipients]


# ------------------------------------------------------------------ reading


def test_readers_of_a_measure_see_its_comments_on_its_page(world, client_for):
    post_comment(actor=world["lead50"], subject=world["public"], text="Zeitplan steht.")
    for who in ("council", "staff", "lead32", "strategist"):
        page = client_for(world[who]).get(world["public"].get_absolute_url()).content.decode()
        assert "Zeitplan steht." in page, who
        assert 'id="kommentare"' in page


def test_other_lead_gets_404_for_comments_of_a_confidential_measure(world, client_for):
    comment = post_comment(actor=world["lead32"], subject=world["confidential"], text="Intern")
    client = client_for(world["lead50"])
    assert client.get(list_url(world["confidential"])).status_code == 404
    assert client.post(list_url(world["confidential"]), {"comment": "Hallo"}).status_code == 404
    # Guessing the comment's id does not help either.
    assert client.get(reverse("comment_edit", args=[comment.pk])).status_code == 404
    assert client.post(reverse("comment_delete", args=[comment.pk])).status_code == 404
    assert not Comment.objects.restrict(world["lead50"], "view").filter(pk=comment.pk).exists()
    assert Comment.objects.filter(is_deleted=False).count() == 1
    assert Comment.objects.restrict(world["lead32"], "view").filter(pk=comment.pk).exists()


def test_unknown_subject_kind_is_404(world, client_for):
    url = reverse("comment_list", args=["benutzer", world["lead32"].pk])
    assert client_for(world["strategist"]).get(url).status_code == 404


# ------------------------------------------------------------------ writing


def test_staff_comments_and_then_follows_the_measure(world, client_for):
    client = client_for(world["staff"])
    response = client.post(list_url(world["public"]), {"comment": "  Gute Nachricht!  "})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{world['public'].get_absolute_url()}#kommentar-{comment.pk}"
    assert comment.text == "Gute Nachricht!"
    assert comment.author == world["staff"]
    assert comment.subject == world["public"]
    assert Following.objects.filter(user=world["staff"], object_id=world["public"].pk).exists()
    page = client.get(world["public"].get_absolute_url()).content.decode()
    assert "Gute Nachricht!" in page
    assert "Nicht mehr beobachten" in page
    assert "Wer kommentiert, beobachtet die Seite automatisch." in page


def test_council_reads_but_cannot_write_and_nothing_is_saved(world, client_for):
    client = client_for(world["council"])
    page = client.get(world["public"].get_absolute_url()).content.decode()
    assert "Kommentieren" not in page
    assert "Sie können die Kommentare lesen, aber keine schreiben." in page
    assert client.post(list_url(world["public"]), {"comment": "Frage"}).status_code == 403
    assert not Comment.objects.exists()
    assert (
        not Group.objects.get(name=Role.COUNCIL).permissions.filter(codename="add_comment").exists()
    )


def test_a_lead_without_a_role_may_comment_on_what_they_may_change(world, client_for):
    lead = UserFactory(username="ohne-rolle")
    world["unit32"].lead = lead
    world["unit32"].save()
    from fb15.permissions import sync_unit_grants

    sync_unit_grants(world["unit32"])
    response = client_for(lead).post(list_url(world["confidential"]), {"comment": "Erledigt."})
    assert response.status_code == 302
    assert Comment.objects.get().author == lead


def test_empty_and_too_long_comments_are_refused_in_german(world, client_for):
    client = client_for(world["lead32"])
    response = client.post(list_url(world["public"]), {"comment": "   "})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Bitte geben Sie einen Kommentar ein." in page
    assert 'class="kern-error" id="id_comment_error"' in page
    assert 'aria-invalid="true"' in page
    response = client.post(list_url(world["public"]), {"comment": "x" * 5001})
    assert response.status_code == 422
    assert "Ein Kommentar darf höchstens 5000 Zeichen lang sein (jetzt 5001)." in (
        response.content.decode()
    )
    assert not Comment.objects.exists()


# ------------------------------------------------------------------ editing and deleting


def test_only_the_author_edits_and_the_history_keeps_the_old_text(world, client_for):
    comment = post_comment(actor=world["lead32"], subject=world["public"], text="Erster Stand")
    url = reverse("comment_edit", args=[comment.pk])
    for who in ("strategist", "staff", "lead50", "council"):
        assert client_for(world[who]).post(url, {"comment": "fremd"}).status_code == 403, who
    client = client_for(world["lead32"])
    page = client.get(url).content.decode()
    assert "Speichern" in page and "Abbrechen" in page and "Erster Stand" in page
    assert client.post(url, {"comment": ""}).status_code == 422
    response = client.post(url, {"comment": "Zweiter Stand"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.text == "Zweiter Stand"
    assert comment.edited_at is not None
    records = list(comment.history.order_by("history_id"))
    assert [r.text for r in records] == ["Erster Stand", "Zweiter Stand"]
    assert records[-1].history_user == world["lead32"]
    assert records[-1].history_change_reason == "Kommentar bearbeitet"
    page = client.get(world["public"].get_absolute_url()).content.decode()
    assert "bearbeitet" in page and "Zweiter Stand" in page and "Erster Stand" not in page


def test_author_deletes_after_confirming_the_row_stays_and_history_keeps_it(world, client_for):
    comment = post_comment(actor=world["lead32"], subject=world["public"], text="Versehen")
    url = reverse("comment_delete", args=[comment.pk])
    assert client_for(world["staff"]).post(url).status_code == 403
    client = client_for(world["lead32"])
    confirm = client.get(url).content.decode()
    assert "Kommentar löschen?" in confirm and "Versehen" in confirm
    assert client.post(url).status_code == 302
    comment.refresh_from_db()
    assert comment.is_deleted and comment.text == ""
    assert [r.text for r in comment.history.order_by("history_id")] == ["Versehen", ""]
    page = client.get(world["public"].get_absolute_url()).content.decode()
    assert "Kommentar gelöscht" in page and "Versehen" not in page
    # A deleted comment is neither edited nor deleted again.
    assert client.get(reverse("comment_edit", args=[comment.pk])).status_code == 403
    assert client.post(url).status_code == 403


def test_strategy_team_may_delete_any_comment_as_moderation(world, client_for):
    comment = post_comment(actor=world["lead32"], subject=world["public"], text="Daten: …")
    response = client_for(world["strategist"]).post(reverse("comment_delete", args=[comment.pk]))
    assert response.status_code == 302
    record = comment.history.order_by("history_id").last()
    assert record.is_deleted and record.history_user == world["strategist"]
    assert record.history_change_reason == "Kommentar durch FB 15 gelöscht"


# ------------------------------------------------------------------ mentions


def test_mention_mails_whoever_may_read_the_measure_and_nobody_else(world):
    world["staff"].email = ""
    world["staff"].save()
    comment = post_comment(
        actor=world["lead32"],
        subject=world["confidential"],
        text="@strategie bitte prüfen, @leitung50 und @Leitung32 auch. @mitarbeiter.",
    )
    measure = world["confidential"]
    (mail,) = mails_to(world["strategist"])
    assert mail.subject == f"Sie wurden erwähnt: {measure.code} {measure.title}"
    assert "@strategie bitte prüfen" in mail.body
    link = f"{settings.SITE_URL.rstrip('/')}{measure.get_absolute_url()}#kommentar-{comment.pk}"
    assert link in mail.body
    # FB 50's lead cannot read FB 32's confidential measure; the author is not mailed.
    assert mails_to(world["lead50"]) == []
    assert mails_to(world["lead32"]) == []
    assert set(comment.mentioned.values_list("username", flat=True)) == {
        "strategie",
        "leitung50",
        "leitung32",
        "mitarbeiter",
    }


def test_editing_mails_only_the_newly_mentioned(world):
    comment = post_comment(actor=world["lead32"], subject=world["public"], text="@strategie ?")
    from fb15.comments import edit_comment

    edit_comment(actor=world["lead32"], comment=comment, text="@strategie und @mitarbeiter ?")
    assert len(mails_to(world["strategist"])) == 1
    assert [m.subject.split(":")[0] for m in mails_to(world["staff"])] == ["Sie wurden erwähnt"]


def test_mentions_are_names_after_an_at_sign_not_mail_addresses():
    text = "Mail an a.b@stadt.example, @Max.Muster. und nochmal @max.muster, @_x"
    assert mentioned_names(text) == ["max.muster", "_x"]


def test_mention_is_highlighted_and_html_is_escaped(world, client_for):
    post_comment(
        actor=world["lead50"],
        subject=world["public"],
        text='<script>alert("x")</script> Danke @strategie!\n<b>fett</b>',
    )
    page = client_for(world["council"]).get(world["public"].get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;fett&lt;/b&gt;" in page and "<b>fett</b>" not in page
    name = world["strategist"].get_full_name()
    assert f'<strong class="fb15-mention" title="strategie">@{name}</strong>!<br>' in page


def test_a_name_with_markup_is_escaped_in_the_mention(world, client_for):
    evil = UserFactory(username="evil", first_name="<img src=x onerror=alert(1)>", last_name="X")
    evil.groups.set(Group.objects.filter(name=Role.STAFF))
    post_comment(actor=world["lead50"], subject=world["public"], text="@evil schau mal")
    page = client_for(world["council"]).get(world["public"].get_absolute_url()).content.decode()
    assert "<img src=x" not in page
    assert "@&lt;img src=x onerror=alert(1)&gt; X</strong>" in page


# ------------------------------------------------------------------ following


def test_follow_and_unfollow_with_the_button(world, client_for):
    client = client_for(world["council"])
    url = reverse("follow_toggle", args=["massnahmen", world["public"].pk])
    assert "Beobachten" in client.get(world["public"].get_absolute_url()).content.decode()
    response = client.post(url, {"beobachten": "1"})
    assert response["Location"] == f"{world['public'].get_absolute_url()}#kommentare"
    assert Following.objects.filter(user=world["council"]).count() == 1
    client.post(url, {"beobachten": "1"})  # twice: still one
    assert Following.objects.filter(user=world["council"]).count() == 1
    page = client.get(world["public"].get_absolute_url()).content.decode()
    assert "Nicht mehr beobachten" in page
    client.post(url, {"beobachten": "0"})
    assert not Following.objects.filter(user=world["council"]).exists()
    # A measure the reader cannot see cannot be followed.
    hidden = reverse("follow_toggle", args=["massnahmen", world["confidential"].pk])
    assert client.post(hidden, {"beobachten": "1"}).status_code == 404
    assert not Following.objects.exists()


def test_followers_are_mailed_about_a_status_update_but_not_the_reporter(world):
    measure = world["public"]  # FB 50's
    for who in ("strategist", "council", "lead50"):
        follow(user=world[who], subject=measure)
    file_status_update(
        actor=world["lead50"],
        subject=measure,
        period=make_periods()["current"],
        traffic_light="amber",
        progress=40,
        status="in_progress",
        summary="Schnittstelle verzögert sich.",
    )
    for who in ("strategist", "council"):
        (mail,) = mails_to(world[who])
        assert mail.subject == f"Neue Statusmeldung: {measure.code} {measure.title}"
        assert "Schnittstelle verzögert sich." in mail.body
        assert f"{settings.SITE_URL.rstrip('/')}{measure.get_absolute_url()}" in mail.body
        assert "weil Sie" in mail.body
    assert mails_to(world["lead50"]) == []


def test_followers_who_lost_the_right_to_read_get_nothing(world):
    measure = world["other"]["project"]  # FB 50's project
    follow(user=world["staff"], subject=measure)
    follow(user=world["strategist"], subject=measure)
    measure.is_confidential = True
    measure.save()
    file_status_update(
        actor=world["lead50"],
        subject=measure,
        period=make_periods()["current"],
        traffic_light="green",
        progress=10,
        status="in_progress",
        summary="Los geht's.",
    )
    assert mails_to(world["staff"]) == []
    assert len(mails_to(world["strategist"])) == 1
    unfollow(user=world["strategist"], subject=measure)
    post_comment(actor=world["lead50"], subject=measure, text="Noch etwas")
    assert len(mails_to(world["strategist"])) == 1


def test_a_new_comment_mails_followers_once_and_mentioned_ones_only_the_mention(world):
    measure = world["public"]
    for who in ("strategist", "council", "staff"):
        follow(user=world[who], subject=measure)
    post_comment(actor=world["staff"], subject=measure, text="Frage an @strategie")
    assert [m.subject for m in mails_to(world["strategist"])] == [
        f"Sie wurden erwähnt: {measure.code} {measure.title}"
    ]
    assert [m.subject for m in mails_to(world["council"])] == [
        f"Neuer Kommentar: {measure.code} {measure.title}"
    ]
    assert mails_to(world["staff"]) == []


# ------------------------------------------------------------------ the page


def test_subject_page_shows_the_newest_comments_and_links_to_older(world, client_for):
    measure = world["public"]
    for number in range(SHOWN_ON_SUBJECT_PAGE + 2):
        post_comment(actor=world["lead50"], subject=measure, text=f"Beitrag Nummer {number:02d}")
    client = client_for(world["staff"])
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "Beitrag Nummer 00" not in page and "Beitrag Nummer 01" not in page
    assert "Beitrag Nummer 02" in page and "Beitrag Nummer 11" in page
    assert page.index("Beitrag Nummer 02") < page.index("Beitrag Nummer 11")
    assert "Ältere Kommentare anzeigen (2 weitere)" in page
    assert list_url(measure) in page
    everything = client.get(list_url(measure)).content.decode()
    assert "Beitrag Nummer 00" in everything and "Beitrag Nummer 11" in everything


def test_projects_and_exemptions_have_the_section_too(world, client_for):
    project = world["own"]["project"]
    exemption = ExemptionFactory(
        unit=world["unit32"], standard=StandardFactory(code="SW-01"), requested_by=world["lead32"]
    )
    client = client_for(world["lead32"])
    for kind, subject in (("projekte", project), ("ausnahmen", exemption)):
        url = reverse("comment_list", args=[kind, subject.pk])
        assert client.post(url, {"comment": f"Zu {kind} @strategie"}).status_code == 302
        page = client.get(subject.get_absolute_url()).content.decode()
        assert f"Zu {kind}" in page and "Kommentieren" in page
    mail = mails_to(world["strategist"])[-1]
    assert mail.subject == "Sie wurden erwähnt: Ausnahme FB 32 · SW-01"


@pytest.mark.parametrize("count", [2, 20])
def test_measure_page_query_count_does_not_grow_with_comments(
    world, client_for, django_assert_max_num_queries, count
):
    measure = world["public"]
    for number in range(count):
        author = world["lead50"] if number % 2 else world["staff"]
        post_comment(actor=author, subject=measure, text=f"Nr. {number} an @strategie")
    client = client_for(world["lead32"])
    client.get(measure.get_absolute_url())  # warm caches (content types, permissions)
    # 31, + the boxes of needs (origin, priorities per round; the similar items of other
    # units come in a request of their own), + the council papers linked to it, + its
    # Verwaltungsleistungen
    with django_assert_max_num_queries(33):
        response = client.get(measure.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="fb15-comment"') == min(
        count, SHOWN_ON_SUBJECT_PAGE
    )
