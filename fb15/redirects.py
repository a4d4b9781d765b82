"""Where a `?next=` may send the user: one check for every link and redirect that uses it."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str = "") -> str:
    """The request's `next` (POST before GET) if it stays on this site, else `default`.

    Only relative URLs and http(s) URLs to this host pass, so `javascript:` links and
    redirects to other sites never reach an href or a Location header.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
