from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("measures", views.MeasureViewSet, basename="api-measure")
router.register("projects", views.ProjectViewSet, basename="api-project")
router.register("reporting-periods", views.ReportingPeriodViewSet, basename="api-period")
router.register("status-updates", views.StatusUpdateViewSet, basename="api-statusupdate")
router.register("milestones", views.MilestoneViewSet, basename="api-milestone")
router.register("indicators", views.IndicatorViewSet, basename="api-indicator")
router.register("indicator-values", views.IndicatorValueViewSet, basename="api-indicatorvalue")

urlpatterns = router.urls
