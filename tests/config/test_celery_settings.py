"""The Celery settings that docs/reliability.md promises, as the app sees them."""

from django.conf import settings

from celery.schedules import crontab

from config.celery import app


def test_a_task_is_acknowledged_after_it_ran_and_handed_back_when_its_process_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_there_is_no_result_backend_and_publishing_never_retries_in_a_request():
    assert app.conf.result_backend is None
    assert app.conf.task_ignore_result is True
    assert app.conf.task_publish_retry is False
    assert app.conf.broker_connection_timeout <= 1


def test_the_visibility_timeout_outlasts_tasks_and_the_outbox_waits_longer_before_publishing_again():
    visibility = app.conf.broker_transport_options["visibility_timeout"]

    assert visibility >= 2 * 60 * 60
    assert visibility < settings.ESSAIM_OUTBOX_REDELIVER_AFTER
    assert app.conf.broker_transport_options["socket_timeout"] > 0


def test_beat_sweeps_the_outbox_every_minute_and_runs_follow_ups_every_hour():
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}

    assert schedule["programmes.tasks.sweep_outbox"] == 60
    assert schedule["flashcoop.tasks.run_follow_ups"] == crontab(minute=15)
    app.loader.import_default_modules()  # what a worker or beat does at start: autodiscovery
    assert all(task in app.tasks for task in schedule)
