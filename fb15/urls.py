from django.contrib import admin
from django.urls import include, path

from fb15 import directory
from fb15.views import accessibility, core, organisation
from fb15.views import comments as comment_views
from fb15.views import council as council_views
from fb15.views import search as search_views
from fb15.views import tokens as token_views
from fb15.views import trash as trash_views

urlpatterns = [
    path("", core.home, name="home"),
    path("healthz", core.healthz, name="healthz"),
    path("barrierefreiheit/", accessibility.accessibility_statement, name="accessibility"),
    path("anmelden/", directory.LoginView.as_view(), name="login"),
    path("abmelden/", directory.LogoutView.as_view(), name="logout"),
    # OpenID Connect (404 unless configured); the names are the ones mozilla-django-oidc uses.
    path("anmelden/dienstkonto/", directory.oidc_login, name="oidc_authentication_init"),
    path(
        "anmelden/dienstkonto/rueckkehr/",
        directory.oidc_callback,
        name="oidc_authentication_callback",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("fachbereiche/", organisation.OrgUnitListView.as_view(), name="orgunit_list"),
    path("fachbereiche/neu/", organisation.OrgUnitEditView.as_view(), name="orgunit_add"),
    path("fachbereiche/<int:pk>/", organisation.OrgUnitDetailView.as_view(), name="orgunit_detail"),
    path(
        "fachbereiche/<int:pk>/bearbeiten/",
        organisation.OrgUnitEditView.as_view(),
        name="orgunit_edit",
    ),
    path(
        "fachbereiche/<int:pk>/loeschen/",
        organisation.OrgUnitDeleteView.as_view(),
        name="orgunit_delete",
    ),
    path(
        "fachbereiche/<int:pk>/historie/",
        organisation.OrgUnitHistoryView.as_view(),
        name="orgunit_history",
    ),
    path("dezernate/neu/", organisation.DivisionEditView.as_view(), name="division_add"),
    path("einstellungen/", organisation.CitySettingsEditView.as_view(), name="city_settings_edit"),
    path("einstellungen/logo", core.city_logo, name="city_logo"),
    path("papierkorb/", trash_views.trash_list, name="trash"),
    path(
        "papierkorb/<str:model_key>/<int:history_id>/wiederherstellen/",
        trash_views.trash_restore,
        name="trash_restore",
    ),
    path(
        "kommentare/<slug:key>/<int:object_id>/",
        comment_views.comment_list,
        name="comment_list",
    ),
    path("kommentare/<int:pk>/bearbeiten/", comment_views.comment_edit, name="comment_edit"),
    path("kommentare/<int:pk>/loeschen/", comment_views.comment_delete, name="comment_delete"),
    path(
        "drucksachen/<slug:key>/<int:object_id>/verknuepfen/",
        council_views.council_paper_link,
        name="council_paper_link",
    ),
    path(
        "drucksachen/verknuepfung/<int:pk>/loesen/",
        council_views.council_paper_unlink,
        name="council_paper_unlink",
    ),
    path(
        "beobachten/<slug:key>/<int:object_id>/",
        comment_views.follow_toggle,
        name="follow_toggle",
    ),
    path("", include("measures.urls")),
    path("strategie/", include("strategy.urls")),
    path("standards/", include("standards.urls")),
    path("berichte/", include("reporting.urls")),
    path("import/", include("imports.urls")),
    path("", include("portal.urls")),
    path("suche/", search_views.search_page, name="search"),
    path("zugangstoken/", token_views.token_list, name="token_list"),
    path("zugangstoken/<int:pk>/widerrufen/", token_views.token_revoke, name="token_revoke"),
    # The JSON API, version 1: each app's endpoints from its own api/urls.py.
    path(
        "api/v1/",
        include(
            [
                path("", include("fb15.api.urls")),
                path("", include("strategy.api.urls")),
                path("", include("measures.api.urls")),
                path("", include("standards.api.urls")),
                path("", include("reporting.api.urls")),
            ]
        ),
    ),
    path("admin/", admin.site.urls),
]
