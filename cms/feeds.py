"""RSS feed of the news."""

from typing import Any

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed

FEED_ITEMS = 20


class NewsFeed(Feed):
    """The latest news of one news index, newest first."""

    feed_type = Rss201rev2Feed

    def __init__(self, index_page: Any) -> None:
        super().__init__()
        self.index_page = index_page

    def title(self) -> str:
        return str(self.index_page.title)

    def link(self) -> str:
        return str(self.index_page.url)

    def description(self) -> str:
        return str(self.index_page.search_description or self.index_page.intro or self.index_page.title)

    def items(self) -> Any:
        return self.index_page.news()[:FEED_ITEMS]

    def item_title(self, item: Any) -> str:
        return str(item.title)

    def item_description(self, item: Any) -> str:
        return str(item.intro)

    def item_link(self, item: Any) -> str:
        return str(item.url)

    def item_pubdate(self, item: Any) -> Any:
        return item.last_published_at
