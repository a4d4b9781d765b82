"""The one place that decides whether a request wants an htmx partial or a whole page."""


def htmx_partial(request) -> bool:
    """True for htmx requests that swap part of a page (not boosted full-page navigations)."""
    return request.headers.get("HX-Request") == "true" and (
        request.headers.get("HX-Boosted") != "true"
    )
