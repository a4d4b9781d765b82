"""The "Erklärung zur Barrierefreiheit" that BITV 2.0 requires, with its feedback form:
public (also before the login), linked from the footer of every page."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from fb15.forms import KernFormMixin
from fb15.mail import queue_mail
from fb15.models import Role, User, city_settings

FEEDBACK_MAX_LENGTH = 3000
STATEMENT_DATE = datetime.date(2026, 12, 6)  # update with every review of the statement


class FeedbackForm(KernFormMixin, forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Welche Barriere ist Ihnen begegnet?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=FEEDBACK_MAX_LENGTH,
        error_messages={"required": gettext_lazy("Bitte beschreiben Sie die Barriere.")},
        help_text=gettext_lazy("Zum Beispiel: welche Seite, was Sie tun wollten, was nicht ging."),
    )
    page = forms.CharField(label=gettext_lazy("Seite"), max_length=500, required=False)
    email = forms.EmailField(
        label=gettext_lazy("Ihre E-Mail-Adresse für eine Antwort"),
        required=False,
        error_messages={"invalid": gettext_lazy("Bitte geben Sie eine gültige E-Mail-Adresse an.")},
    )


def _recipients() -> list[str]:
    """The city's contact address, else the strategy team, else the administrators."""
    city = city_settings()
    if city.email:
        return [city.email]
    people = User.objects.filter(is_active=True).exclude(email="")
    team = people.filter(groups__name=Role.STRATEGY_TEAM)
    chosen = team if team.exists() else people.filter(is_superuser=True)
    return list(chosen.values_list("email", flat=True))


def _send_feedback(recipients: list[str], data: dict) -> None:
    page = data["page"] or "—"
    body = _(
        "Rückmeldung zur Barrierefreiheit\n\nSeite: %(page)s\nAntwort an: %(email)s\n\n%(message)s"
    ) % {
        "page": page,
        "email": data["email"] or _("(keine Adresse angegeben)"),
        "message": data["message"],
    }
    with transaction.atomic():
        queue_mail(recipients, _("Barriere gemeldet: %(page)s") % {"page": page}, body)


@require_http_methods(["GET", "POST"])
def accessibility_statement(request):
    form = FeedbackForm(request.POST or None, initial={"page": request.GET.get("seite", "")[:500]})
    if request.method == "POST" and form.is_valid():
        recipients = _recipients()
        if recipients:
            _send_feedback(recipients, form.cleaned_data)
            thanks = _("Vielen Dank. Ihre Rückmeldung ist bei FB 15 eingegangen.")
            if form.cleaned_data["email"]:
                thanks += " " + _("Wir antworten Ihnen per E-Mail.")
            messages.success(request, thanks)
            return HttpResponseRedirect(reverse("accessibility"))
        form.add_error(
            None,
            _(
                "Die Rückmeldung kann nicht zugestellt werden: Es ist keine Kontaktadresse "
                "hinterlegt. Bitte wenden Sie sich telefonisch an die Stadtverwaltung."
            ),
        )
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "fb15/accessibility.html",
        {"form": form, "city": city_settings(), "statement_date": STATEMENT_DATE},
        status=status,
    )
