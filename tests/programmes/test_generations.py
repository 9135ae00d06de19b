"""A cache generation is renewed at once outside a transaction, and once on commit inside one; until
then the connection that wrote is told not to store anything."""

import pytest

from programmes.generations import Generation


def test_a_change_outside_a_transaction_renews_the_token_at_once():
    """No database here, so no test transaction: the connection is in autocommit."""
    generation = Generation("test:generation:outside")
    before = generation.current()

    generation.changed()

    assert before is not None
    assert generation.current() not in (None, before)


@pytest.mark.django_db
def test_inside_a_transaction_the_token_moves_once_on_commit(django_capture_on_commit_callbacks):
    generation = Generation("test:generation:inside")
    other = Generation("test:generation:other")
    before = generation.current()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        generation.changed()
        generation.changed("sender", instance=None)  # as a signal receiver
        assert generation.current() == before  # not before the commit
        assert generation.has_uncommitted_changes()
        assert not other.has_uncommitted_changes()

    assert len(callbacks) == 1
    assert generation.current() != before


def test_the_token_is_shared_by_every_instance_of_the_same_key():
    first = Generation("test:generation:shared")
    second = Generation("test:generation:shared")

    assert first.current() == second.current()
