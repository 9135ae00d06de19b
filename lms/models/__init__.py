"""Models of the training app. They depend on programmes only; programmes never imports them."""

from lms.models.courses import CourseIndexPage, CoursePage, LessonPage, ModulePage, TrainingProvider
from lms.models.live import CalendarFeed, LiveAttendance, LiveSession
from lms.models.progress import CourseEnrolment, LessonCompletion, QuizAttempt
from lms.models.quizzes import Choice, Question, Quiz
from lms.models.time import ConnectionLog, LessonTime

__all__ = [
    "CalendarFeed",
    "Choice",
    "ConnectionLog",
    "CourseEnrolment",
    "CourseIndexPage",
    "CoursePage",
    "LessonCompletion",
    "LessonPage",
    "LessonTime",
    "LiveAttendance",
    "LiveSession",
    "ModulePage",
    "Question",
    "Quiz",
    "QuizAttempt",
    "TrainingProvider",
]
