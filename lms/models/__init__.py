"""Models of the training app. They depend on programmes only; programmes never imports them."""

from lms.models.certificates import Certificate
from lms.models.courses import CourseIndexPage, CoursePage, LessonPage, ModulePage, TrainingProvider
from lms.models.digcomp import DigitalSkillsAssessment, DigitalSkillsRating
from lms.models.live import CalendarFeed, LiveAttendance, LiveSession
from lms.models.progress import CourseEnrolment, LessonCompletion, QuizAttempt
from lms.models.quizzes import Choice, Question, Quiz
from lms.models.scorm import ScormAttempt, ScormPackage, ScormSco
from lms.models.time import ConnectionLog, LessonTime

__all__ = [
    "CalendarFeed",
    "Certificate",
    "Choice",
    "ConnectionLog",
    "CourseEnrolment",
    "CourseIndexPage",
    "CoursePage",
    "DigitalSkillsAssessment",
    "DigitalSkillsRating",
    "LessonCompletion",
    "LessonPage",
    "LessonTime",
    "LiveAttendance",
    "LiveSession",
    "ModulePage",
    "Question",
    "Quiz",
    "QuizAttempt",
    "ScormAttempt",
    "ScormPackage",
    "ScormSco",
    "TrainingProvider",
]
