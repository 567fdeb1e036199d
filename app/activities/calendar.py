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
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    for reg in registrations:
        activity = reg.activity
        event = Event()
        # Stable per registration, so calendar apps update the event instead of duplicating it.
        event.add("uid", f"registration-{reg.id}@paraat")
        event.add("dtstamp", stamp)
        event.add("dtstart", activity.starts_at.replace(tzinfo=TZ))
        event.add("dtend", activity.ends_at.replace(tzinfo=TZ))
        event.add("summary", activity.title)
        if activity.location:
            event.add("location", activity.location)
        event.add("url", url_for_activity(activity))
        cancelled = activity.cancelled_at is not None
        event.add("status", "CANCELLED" if cancelled else ("TENTATIVE" if reg.status == "offered" else "CONFIRMED"))
        if activity.organiser:
            event.add("description", f"Organisator: {activity.organiser}")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
