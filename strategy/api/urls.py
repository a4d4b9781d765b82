from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("revisions", views.RevisionViewSet, basename="api-revision")
router.register("fields-of-action", views.FieldOfActionViewSet, basename="api-fieldofaction")
router.register("goals", views.GoalViewSet, basename="api-goal")

urlpatterns = [path("strategy/", views.StrategyView.as_view(), name="api-strategy"), *router.urls]
