"""Live sessions as iCalendar (RFC 5545): one event per session, for a download or a subscribed feed.

The event links to the session's page on Essaim, never to the join address itself: joining goes through
Essaim so the learner's arrival is recorded."""

from collections.abc import Callable, Sequence

from django.utils import timezone

from icalendar import Calendar, Event

from lms.models import LiveSession

PRODID = "-//Essaim//Live sessions//FR"
UID_DOMAIN = "essaim"


def session_event(session: LiveSession, *, page_url: str) -> Event:
    event = Event()
    event.add("uid", f"{session.uid}@{UID_DOMAIN}")
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", f"{session.title} · {session.course.title}")
    lines = [session.course.title]
    if session.description:
        lines.append(session.description)
    lines.append(page_url)
    event.add("description", "\n\n".join(lines))
    event.add("location", session.place if not session.is_virtual else page_url)
    event.add("url", page_url)
    event.add("status", "CONFIRMED")
    return event


def calendar_bytes(
    sessions: Sequence[LiveSession], *, page_url: Callable[[LiveSession], str], name: str
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        calendar.add_component(session_event(session, page_url=page_url(session)))
    return bytes(calendar.to_ical())
