"""Cache invalidation: what the public pages show changed, so the anonymous page cache starts over."""

from django.db.models.signals import post_delete, post_save

from wagtail.images import get_image_model
from wagtail.signals import page_published, page_unpublished

from cms.cache import invalidate_pages
from cms.models import MainMenu, MainMenuItem, OrganisationLogo, PhotoSubject, SiteSettings
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


def connect() -> None:
    """Connect the receivers (called once from CmsConfig.ready)."""
    page_published.connect(invalidate_pages, dispatch_uid="cms-cache-published")
    page_unpublished.connect(invalidate_pages, dispatch_uid="cms-cache-unpublished")
    for model in INVALIDATING_MODELS:
        post_save.connect(invalidate_pages, sender=model, dispatch_uid=f"cms-cache-save-{model.__name__}")
        post_delete.connect(invalidate_pages, sender=model, dispatch_uid=f"cms-cache-delete-{model.__name__}")
    # An erasure deletes the photos showing the person: pages that used them must not serve them.
    post_delete.connect(invalidate_pages, sender=get_image_model(), dispatch_uid="cms-cache-delete-image")
