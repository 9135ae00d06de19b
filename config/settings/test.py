"""Test settings: the base ones, faster hashing, no manifest for static files."""

import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SECURE_SSL_REDIRECT = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Tests run tasks in-process; the Celery integration tests switch to a real broker and worker themselves.
CELERY_TASK_ALWAYS_EAGER = True
# Generated files (certificates) never land in the working copy; tests that count files use their own folder.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "essaim-test-media"
# Open Badges: a key for tests only (the seed is public: it signs nothing outside the test suite).
ESSAIM_BADGE_SIGNING_KEY = "dGVzdHMtb25seS1lc3NhaW0tYmFkZ2UtZGV2LWtleTA="
ESSAIM_SCORM_ROOT = Path(tempfile.gettempdir()) / "essaim-test-scorm"
