"""Course structures (live modules and lessons, in page order) and the catalogue of live courses, kept
in the shared cache.

Every page of a course reads its structure: loading 25 pages and their quizzes costs more than the rest of
the learner's data. Structures change only when an editor saves, publishes, moves or deletes a course
page or a quiz, or changes who may see a page; each of those starts a new *structure generation*, and
structures are cached under the current one. Inside a transaction the generation moves on when it commits; until then the connection
that wrote reads structures afresh and stores none (what it sees is not everybody's yet).
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

from programmes.generations import Generation

GENERATION_KEY = "lms:structures:generation"
_MISSING = object()
T = TypeVar("T")


def timeout() -> int:
    return int(getattr(settings, "ESSAIM_STRUCTURES_CACHE_SECONDS", 3600))


STRUCTURES = Generation(GENERATION_KEY)


def structures_changed(*_args: Any, **_kwargs: Any) -> None:
    """A course page or a quiz changed: structures read before are left behind once it is committed."""
    STRUCTURES.changed()


def generation() -> str | None:
    """The current structure generation; None while this connection holds uncommitted changes of
    structures (or without a cache to keep it in)."""
    return None if STRUCTURES.has_uncommitted_changes() else STRUCTURES.current()


def keys(course_ids: list[int], kind: str = "structure") -> dict[int, str] | None:
    """Course id -> the cache key of its `kind` (structure, outline) in the current generation; None while
    this connection holds uncommitted changes of structures."""
    current = generation()
    if current is None:
        return None
    return {course_id: f"lms:{kind}:{current}:{course_id}" for course_id in course_ids}


def cached(name: str, compute: Callable[[], T]) -> T:
    """`compute()` once per structure generation (for what depends only on the pages: the catalogue)."""
    current = generation()
    if current is None:
        return compute()
    key = f"lms:{name}:{current}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout())
    return value  # type: ignore[no-any-return]


def _is_structure_model(sender: Any) -> bool:
    from wagtail.models import PageViewRestriction

    from lms.models import CoursePage, LessonPage, ModulePage, Quiz

    structure_models = (CoursePage, ModulePage, LessonPage, Quiz, PageViewRestriction)
    return isinstance(sender, type) and issubclass(sender, structure_models)


def _saved_or_deleted(sender: Any, **_kwargs: Any) -> None:
    if _is_structure_model(sender):
        structures_changed()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    post_save.connect(_saved_or_deleted, dispatch_uid="lms-structures-saved")
    post_delete.connect(_saved_or_deleted, dispatch_uid="lms-structures-deleted")
    for signal, name in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (post_page_move, "moved"),
        (page_slug_changed, "slug"),
    ):
        signal.connect(structures_changed, dispatch_uid=f"lms-structures-{name}")
