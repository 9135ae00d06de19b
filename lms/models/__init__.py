"""Models of the training app. They depend on programmes only; programmes never imports them."""

from lms.models.certificates import Certificate
from lms.models.courses import CourseIndexPage, CoursePage, LessonPage, ModulePage, TrainingProvider
from lms.models.digcomp import DigitalSkillsAssessment, DigitalSkillsRating
from lms.models.progress import CourseEnrolment, LessonCompletion, QuizAttempt
from lms.models.quizzes import Choice, Question, Quiz

__all__ = [
    "Certificate",
    "Choice",
    "CourseEnrolment",
    "CourseIndexPage",
    "CoursePage",
    "DigitalSkillsAssessment",
    "DigitalSkillsRating",
    "LessonCompletion",
    "LessonPage",
    "ModulePage",
    "Question",
    "Quiz",
    "QuizAttempt",
    "TrainingProvider",
]
