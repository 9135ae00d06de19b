from django.conf import settings
from django.conf.urls.static import static
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cms import routing
from cms import views as cms_views
from config import views
from programmes import views as programme_views
from programmes.forms import QueuedPasswordResetForm

auth_patterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password-change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password-change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(auth_patterns)),
    path("accounts/me/", programme_views.account, name="account"),
    path("accounts/me/my-data.zip", programme_views.my_data, name="my_data"),
    path("start/", views.start, name="start"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # Two of wagtail-2fa's pages, adjusted (config/views.py); same paths and names as the originals.
    # Like every admin page, for accounts with admin access only (Wagtail's require_admin_access).
    path(
        "admin/2fa/auth", require_admin_access(views.TwoFactorVerifyView.as_view()), name="wagtail_2fa_auth"
    ),
    path(
        "admin/2fa/devices/new",
        require_admin_access(views.TwoFactorSetupView.as_view()),
        name="wagtail_2fa_device_new",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("search/", cms_views.search, name="search"),
    path("flashcoop/", include("flashcoop.urls")),
    path("cjs/", include("cjs.urls")),
    path("", include("programmes.urls")),
    path("", include("programmes.evaluation.urls")),
    path("", include("lms.urls")),
]

if settings.ESSAIM_BENCH:
    # The benchmark's floor: the cheapest response the stack can give, to express latencies as ratios.
    urlpatterns.append(path("bench/floor/", views.bench_floor, name="bench_floor"))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves every path not matched above, through the route cache (cms/routing.py).
wagtail_patterns = [
    pattern for pattern in wagtail_urls.urlpatterns if getattr(pattern, "name", "") != "wagtail_serve"
]
wagtail_patterns.append(re_path(wagtail_urls.serve_pattern, routing.serve, name="wagtail_serve"))
urlpatterns.append(path("", include(wagtail_patterns)))
