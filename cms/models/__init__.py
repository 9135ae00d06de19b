"""Page types of the public site."""

from cms.models.pages import HomePage

__all__ = ["HomePage"]
