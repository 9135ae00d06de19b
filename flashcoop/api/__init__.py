"""REST API of the Flashcoop app, scoped by the access policy."""
