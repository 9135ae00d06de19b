"""Fixtures of the public site tests."""

from django.core.cache import cache

import pytest

from cms.demo import seed_site


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with an empty page cache (the local-memory cache outlives test transactions)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_tree(db):
    """The demo site tree (pages, menu, settings) without the demo network."""
    seed_site()
