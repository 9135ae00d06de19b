from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from lms.blocks import LessonStreamBlock
from lms.choices import CompletionRule, Modality
from lms.models.quizzes import Quiz
from programmes.models import Organisation


def route_to_child(parent: Page, request: HttpRequest, path_components: list[str], model: type[Page]) -> Any:
    """Page.route, reading the child as its own type, with what it reads with it (`ROUTE_RELATED`), in one
    query (Wagtail reads the base page, then the specific one). Children of another type, and unknown
    slugs, take Wagtail's own way."""
    if path_components:
        related = getattr(model, "ROUTE_RELATED", ())
        child = (
            model.objects.child_of(parent).select_related(*related).filter(slug=path_components[0]).first()
        )
        if child is not None:
            child._cached_parent_obj = parent
            return child.route(request, path_components[1:])
    return Page.route(parent, request, path_components)


class TrainingProvider(models.Model):
    """Organisme de formation: the organisation whose identity appears on its courses' certificates."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="training_provider",
        verbose_name=_("organisation"),
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        validators=[RegexValidator(r"^\d{14}$", _("A SIRET is 14 digits."))],
    )
    declaration_number = models.CharField(
        _("training declaration number"),
        max_length=11,
        validators=[RegexValidator(r"^\d{11}$", _("A declaration number (NDA) is 11 digits."))],
        help_text=_("Numéro de déclaration d'activité, given by the regional prefecture."),
    )

    panels = [
        FieldPanel("organisation"),
        FieldPanel("legal_name"),
        FieldPanel("siret"),
        FieldPanel("declaration_number"),
    ]

    class Meta:
        verbose_name = _("training provider")
        verbose_name_plural = _("training providers")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name


class CourseIndexPage(Page):
    """Catalogue des formations: the courses anyone may browse."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["lms.CoursePage"]
    template = "lms/course_index_page.html"

    class Meta:
        verbose_name = _("course catalogue")
        verbose_name_plural = _("course catalogues")

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        return route_to_child(self, request, path_components, CoursePage)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from lms import selectors

        context = super().get_context(request, *args, **kwargs)
        courses = list(CoursePage.objects.live().public().child_of(self).specific().order_by("path"))
        context["courses"] = selectors.catalogue_entries(request.user, courses)
        return context


class CoursePage(Page):
    """Parcours: a course of modules and lessons, open to self-enrolment or enrolled by a facilitator."""

    # Read with the page when it is routed (route_to_child, and the route cache: cms/routing.py, which
    # caches routes only to page types declaring this: their route depends on the path alone).
    ROUTE_RELATED: ClassVar[tuple[str, ...]] = ("provider",)

    summary = models.TextField(_("summary"))
    audience = models.TextField(_("audience"), blank=True)
    objectives = StreamField(
        [("objective", blocks.CharBlock(label=_("Objective"), max_length=300, icon="tick"))],
        verbose_name=_("objectives"),
        blank=True,
        help_text=_("One learning objective per item (they are printed on certificates)."),
    )
    prerequisites = RichTextField(_("prerequisites"), blank=True, features=["bold", "italic", "link", "ul"])
    modality = models.CharField(
        _("modality"), max_length=12, choices=Modality.choices, default=Modality.REMOTE
    )
    estimated_hours = models.DecimalField(
        _("estimated duration (hours)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    has_certificate = models.BooleanField(_("certificate on completion"), default=False)
    is_funded = models.BooleanField(
        _("funded training"),
        default=False,
        help_text=_(
            "Funded by an OPCO, the CPF, France Travail or a region: certificates are then "
            "« certificats de réalisation » carrying the training provider's identity."
        ),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share of right answers a quiz needs, unless the quiz sets its own."),
    )
    is_open = models.BooleanField(
        _("open to self-enrolment"), default=False, help_text=_("Learners may enrol themselves.")
    )
    provider = models.ForeignKey(
        TrainingProvider,
        on_delete=models.SET_NULL,
        related_name="courses",
        verbose_name=_("training provider"),
        null=True,
        blank=True,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("audience"),
        FieldPanel("objectives"),
        FieldPanel("prerequisites"),
        MultiFieldPanel(
            [
                FieldPanel("modality"),
                FieldPanel("estimated_hours"),
                FieldPanel("pass_mark"),
                FieldPanel("has_certificate"),
                FieldPanel("is_funded"),
                FieldPanel("is_open"),
                FieldPanel("provider"),
            ],
            heading=_("Organisation"),
        ),
    ]
    parent_page_types = ["lms.CourseIndexPage"]
    subpage_types = ["lms.ModulePage"]
    template = "lms/course_page.html"

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__lte=100), name="course_pass_mark_percentage"
            ),
        ]

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        return route_to_child(self, request, path_components, ModulePage)

    @property
    def objective_texts(self) -> list[str]:
        return [str(item.value) for item in self.objectives]

    def clean(self) -> None:
        super().clean()
        if self.is_funded and self.provider_id is None:
            raise ValidationError(
                {
                    "provider": _(
                        "A funded training needs its training provider (printed on its certificates)."
                    )
                }
            )

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from lms import page_views

        return page_views.serve_course(self, request)

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        from lms import page_views

        return page_views.serve_course(self, request)


class ModulePage(Page):
    """Module: a chapter of a course, made of lessons."""

    # Read with the page when it is routed (route_to_child, and the route cache: cms/routing.py, which
    # caches routes only to page types declaring this: their route depends on the path alone).
    ROUTE_RELATED: ClassVar[tuple[str, ...]] = ()

    summary = models.TextField(_("summary"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["lms.CoursePage"]
    subpage_types = ["lms.LessonPage"]
    template = "lms/module_page.html"

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        return route_to_child(self, request, path_components, LessonPage)

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from lms import page_views

        return page_views.serve_module(self, request)

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        from lms import page_views

        return page_views.serve_module(self, request)


class LessonPage(Page):
    """Séquence: one lesson, with its estimated time and the rule that marks it complete."""

    # Read with the page when it is routed (route_to_child, and the route cache: cms/routing.py, which
    # caches routes only to page types declaring this: their route depends on the path alone).
    ROUTE_RELATED: ClassVar[tuple[str, ...]] = ("quiz",)

    body = StreamField(LessonStreamBlock(), verbose_name=_("body"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated time (minutes)"), default=10, validators=[MinValueValidator(1)]
    )
    completion_rule = models.CharField(
        _("completed when"), max_length=12, choices=CompletionRule.choices, default=CompletionRule.VIEW
    )
    is_required = models.BooleanField(
        _("required"), default=True, help_text=_("Required lessons count towards the course's progress.")
    )
    # Kept in step with the quiz block of the body on every save, so lists can join it without parsing.
    quiz = models.ForeignKey(
        Quiz,
        on_delete=models.SET_NULL,
        related_name="lessons",
        verbose_name=_("quiz"),
        null=True,
        blank=True,
        editable=False,
    )
    scorm_package = models.ForeignKey(
        "lms.ScormPackage",
        on_delete=models.PROTECT,
        related_name="lessons",
        verbose_name=_("SCORM package"),
        null=True,
        blank=True,
        help_text=_("Played in the lesson, under its body. Upload packages under Training, SCORM packages."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("estimated_minutes"), FieldPanel("completion_rule"), FieldPanel("is_required")],
            heading=_("Completion"),
        ),
        FieldPanel("body"),
        FieldPanel("scorm_package"),
    ]
    parent_page_types = ["lms.ModulePage"]
    subpage_types: list[str] = []
    template = "lms/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def quiz_ids_in_body(self) -> list[int]:
        return [item["value"] for item in self.body.raw_data if item["type"] == "quiz" and item["value"]]

    def clean(self) -> None:
        super().clean()
        quiz_ids = self.quiz_ids_in_body()
        if len(quiz_ids) > 1:
            raise ValidationError({"body": _("A lesson holds one quiz at most.")})
        if self.completion_rule == CompletionRule.QUIZ and not quiz_ids:
            raise ValidationError(
                {"completion_rule": _("Add a quiz to the body, or choose another completion rule.")}
            )
        if self.completion_rule == CompletionRule.SCORM and self.scorm_package_id is None:
            raise ValidationError(
                {"scorm_package": _("Choose the SCORM package, or choose another completion rule.")}
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        quiz_ids = self.quiz_ids_in_body()
        self.quiz_id = quiz_ids[0] if quiz_ids else None
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = [*kwargs["update_fields"], "quiz"]
        super().save(*args, **kwargs)

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from lms import page_views

        return page_views.serve_lesson(self, request)

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        from lms import page_views

        return page_views.serve_lesson(self, request)
