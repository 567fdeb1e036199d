"""A person's registrations as an RFC 5545 calendar (icalendar), for /calendar/<token>.ics."""
from __future__ import annotations

from datetime import datetime, timezone

from icalendar import Calendar, Event

from app.activities.base import TZ


def feed(user, registrations, url_for_activity) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Paraat//Activiteiten//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Paraat: mijn activiteiten")
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    for reg in registrations:
        # The uid is stable per registration, so calendar apps update the event instead of duplicating it.
        cal.add_component(_event(reg.activity, f"registration-{reg.id}@paraat", url_for_activity(reg.activity),
                                 tentative=reg.status == "offered"))
    cal.add_missing_timezones()
    return cal.to_ical()


def single(activity, url: str) -> bytes:
    """One activity as an .ics file to open in any calendar app (the "Zet in je agenda" download)."""
    cal = Calendar()
    cal.add("prodid", "-//Paraat//Activiteiten//NL")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add_component(_event(activity, f"activity-{activity.id}@paraat", url))
    cal.add_missing_timezones()
    return cal.to_ical()


def _event(activity, uid: str, url: str, tentative: bool = False) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(timezone.utc).replace(microsecond=0))
    event.add("dtstart", activity.starts_at.replace(tzinfo=TZ))
    event.add("dtend", activity.ends_at.replace(tzinfo=TZ))
    event.add("summary", activity.title)
    if activity.location:
        event.add("location", activity.location)
    event.add("url", url)
    cancelled = activity.cancelled_at is not None
    event.add("status", "CANCELLED" if cancelled else ("TENTATIVE" if tentative else "CONFIRMED"))
    if activity.organiser:
        event.add("description", f"Organisator: {activity.organiser}")
    return event
