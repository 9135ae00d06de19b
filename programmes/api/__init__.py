"""REST API of the core."""
