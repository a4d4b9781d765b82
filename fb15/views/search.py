from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from fb15.search import DEFAULT_LIMIT, MAX_QUERY_LENGTH, search, search_index

PAGE_SIZE = 20


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Results of the header search, best first; `typ` narrows them to one type."""
    results = search(request.user, request.GET.get("q", ""), limit=DEFAULT_LIMIT)
    current_type = search_index(request.GET.get("typ", ""))
    hits = results.hits
    if current_type is not None:
        hits = [hit for hit in hits if hit.index.key == current_type.key]
    page_obj = Paginator(hits, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {"q": results.query}
    if current_type is not None:
        params["typ"] = current_type.key
    return render(
        request,
        "search/results.html",
        {
            "results": results,
            "search_query": results.query,
            "current_type": current_type,
            "page_obj": page_obj,
            "query_string": urlencode(params),
            "type_links": [
                (index, count, urlencode({"q": results.query, "typ": index.key}))
                for index, count in results.counts()
            ],
            "all_link": urlencode({"q": results.query}),
            "max_length": MAX_QUERY_LENGTH,
            "limit": DEFAULT_LIMIT,
        },
    )
