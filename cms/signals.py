"""Cache invalidation: what the public pages show changed, so the anonymous page cache starts over.
And the freezing of an impact report each time it is published."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from wagtail.images import get_image_model
from wagtail.signals import page_published, page_unpublished

from cms.cache import invalidate_pages
from cms.models import ImpactReportPage, MainMenu, MainMenuItem, OrganisationLogo, PhotoSubject, SiteSettings
from programmes.models import Cohort, Consent, Organisation, Partnership

INVALIDATING_MODELS = [
    Cohort,
    Partnership,
    Organisation,
    MainMenu,
    MainMenuItem,
    OrganisationLogo,
    SiteSettings,
    # A photo stops showing as soon as someone in it loses their image rights, or is erased.
    Consent,
    PhotoSubject,
]


def freeze_published_report(sender: Any, instance: Any, revision: Any = None, **kwargs: Any) -> None:
    """Each publication of an impact report freezes a new version of it (whatever published it)."""
    from cms.services import freeze_report

    freeze_report(page=instance, revision=revision, by=getattr(revision, "user", None))


def connect() -> None:
    """Connect the receivers (called once from CmsConfig.ready)."""
    page_published.connect(freeze_published_report, sender=ImpactReportPage, dispatch_uid="cms-report-freeze")
    page_published.connect(invalidate_pages, dispatch_uid="cms-cache-published")
    page_unpublished.connect(invalidate_pages, dispatch_uid="cms-cache-unpublished")
    for model in INVALIDATING_MODELS:
        post_save.connect(invalidate_pages, sender=model, dispatch_uid=f"cms-cache-save-{model.__name__}")
        post_delete.connect(invalidate_pages, sender=model, dispatch_uid=f"cms-cache-delete-{model.__name__}")
    # An erasure deletes the photos showing the person: pages that used them must not serve them.
    post_delete.connect(invalidate_pages, sender=get_image_model(), dispatch_uid="cms-cache-delete-image")
