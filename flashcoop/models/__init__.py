"""Models of the Flashcoop app. They hang off programmes' Cohort and Enrolment; nothing in programmes
points back here."""

from flashcoop.models.followups import FollowUp
from flashcoop.models.mentoring import Mentee, Mentor, MentoringMeeting
from flashcoop.models.participants import EntryProfile, Exit
from flashcoop.models.plans import AgendaItem, FlashcoopPlan, Production

__all__ = [
    "AgendaItem",
    "EntryProfile",
    "Exit",
    "FlashcoopPlan",
    "FollowUp",
    "Mentee",
    "Mentor",
    "MentoringMeeting",
    "Production",
]
