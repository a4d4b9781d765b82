from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("units", views.OrgUnitViewSet, basename="api-unit")

# The schema and its documentation are for signed-in people and tokens, like everything else
# of this internal application: the page sends to the login, the schema answers 401.
docs = SpectacularSwaggerSplitView.as_view(url_name="api-schema")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", login_required(docs), name="api-docs"),
    *router.urls,
]
