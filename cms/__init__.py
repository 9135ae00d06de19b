"""The public Wagtail site. It may show data of every app, always through their selectors."""
