"""Flashcoop (ephemeral cooperatives): agenda, mentors, follow-ups. Depends on programmes only."""
