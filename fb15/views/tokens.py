"""Personal access tokens for the JSON API: each user creates, lists and revokes their own."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fb15 import services
from fb15.forms import ApiTokenForm
from fb15.models import ApiToken

DEFAULT_VALIDITY = datetime.timedelta(days=90)
HISTORY_SHOWN = 20
NEW_TOKEN_KEY = "fb15_new_api_token"


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    """The user's tokens and the form for a new one.

    A new token's secret survives exactly one redirect in the session and is shown once by
    the page that follows (reloading it neither shows the secret again nor makes a token).
    """
    user = request.user
    form = ApiTokenForm(
        request.POST if request.method == "POST" else None,
        initial={"expires_on": timezone.localdate() + DEFAULT_VALIDITY},
    )
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.create_api_token(actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[NEW_TOKEN_KEY] = {"id": token.pk, "secret": secret}
            return HttpResponseRedirect(reverse("token_list"))
    new = request.session.pop(NEW_TOKEN_KEY, None)
    tokens = ApiToken.objects.restrict(user, "view")
    created = tokens.filter(pk=new["id"]).first() if new else None
    history = (
        ApiToken.history.filter(id__in=tokens.values("pk"))
        .select_related("history_user")
        .order_by("-history_date")[:HISTORY_SHOWN]
    )
    return render(
        request,
        "fb15/token_list.html",
        {
            "form": form,
            "tokens": tokens,
            "created": created,
            "secret": new["secret"] if created else None,
            "history": history,
            "now": timezone.now(),
            "api_docs_url": reverse("api-docs"),
        },
        status=422 if form.is_bound else 200,
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.restrict(request.user, "change"), pk=pk)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("Das Token „%(name)s“ wurde widerrufen.") % {"name": token.name})
    return HttpResponseRedirect(reverse("token_list"))
