from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("standards", views.StandardViewSet, basename="api-standard")
router.register("compliance", views.ComplianceViewSet, basename="api-compliance")
router.register("exemptions", views.ExemptionViewSet, basename="api-exemption")
router.register("trends", views.TrendViewSet, basename="api-trend")

urlpatterns = router.urls
