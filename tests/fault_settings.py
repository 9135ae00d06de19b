"""Settings of the worker processes that fault tests start: production's, with Redis handing back the
task of a vanished worker after seconds instead of hours (so a test can wait for it)."""

from config.settings.base import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
