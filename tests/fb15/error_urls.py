"""The real URLs plus one view that fails, to see the server-error page as a user would."""

from django.urls import path

from fb15.urls import urlpatterns as real_urlpatterns


def failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("kaputt/", failing_view), *real_urlpatterns]
