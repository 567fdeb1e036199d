"""Every GET page of the URL map, for every demo role, on a 360 px phone, in one walk per role.

On each page:
- axe-core finds no WCAG 2.2 AA violation (axe is vendored in tests/vendor and added as an init
  script through the devtools protocol, so the app's strict CSP stays on and its violations show);
- nothing scrolls sideways at 320 px (reflow, WCAG 1.4.10);
- no visible table is wider than the phone (tables become stacked cards on narrow screens);
- every confirm dialog, dismissed with "Annuleren", sends nothing (neither a form post nor htmx);
- no page logs a console error (e.g. a CSP violation from an inline style).

Pages come from the URL map with ids from the live demo database (see test_accessibility), so a
new page is walked as soon as it exists. One walk per role does all checks: a page load with
chromium and the demo server costs about as much as the checks themselves.
"""
from __future__ import annotations

from datetime import datetime

import pytest

from app.extensions import db
from tests.browser.conftest import PHONE
from tests.browser.helpers import AXE, axe_violations, overflow_at_320px
from tests.browser.test_accessibility import ACCOUNTS, _pages

# Tables in an author's module text (.module-body) scroll in their own focusable box; every table
# of the application itself must fit.
WIDE_TABLES = """() => [...document.querySelectorAll('main table')]
    .filter(t => t.offsetParent !== null && !t.closest('.module-body'))
    .map(t => [t.getBoundingClientRect().right, (t.caption && t.caption.textContent.trim())
               || (t.querySelector('th') && t.querySelector('th').textContent.trim()) || 'tabel'])
    .filter(([right]) => right > document.documentElement.clientWidth + 0.5)
    .map(([right, name]) => name + ' (' + Math.round(right) + ' px)')"""


def _extra_pages(live_app, role: str) -> list[str]:
    """Pages the URL map's first id misses: the functionary's own seat and a hand-made portfolio item."""
    from app.models import Activity, PortfolioEntry, Registration, User
    if role != "functionary":
        return []
    with live_app.app_context():
        me = db.session.scalar(db.select(User).filter_by(email=ACCOUNTS[role]))
        seat = db.session.scalar(db.select(Registration.activity_id).join(Activity).where(
            Registration.user_id == me.id, Registration.status.in_(("assigned", "waitlisted")),
            Activity.starts_at > datetime.now()).limit(1))
        entry = db.session.scalar(db.select(PortfolioEntry.id).filter_by(user_id=me.id, source="manual").limit(1))
    return [f"/activities/{seat}"] * bool(seat) + [f"/portfolio/{entry}"] * bool(entry)


def _dismiss_every_confirm(page, url: str, problems: list[str]) -> int:
    """Submit every data-confirm form on the page and answer the dialog with Annuleren."""
    count = page.locator("form[data-confirm]").count()
    for i in range(count):
        posts, dialogs = [], []

        def on_request(request):
            if request.method == "POST":
                posts.append(request.url)

        def on_dialog(dialog):
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("request", on_request)
        page.once("dialog", on_dialog)
        page.locator("form[data-confirm]").nth(i).evaluate(
            "f => f.requestSubmit(f.querySelector('button[type=submit], button:not([type])'))")
        page.wait_for_timeout(300)
        page.remove_listener("request", on_request)
        if not dialogs:
            problems.append(f"{url}: form {i} asked nothing")
        if posts:
            problems.append(f"{url}: 'Annuleren' in “{dialogs[0] if dialogs else '?'}” still posted {posts}")
    return count


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_for_every_role_passes_axe_fits_a_phone_and_cancels_cleanly(phone, live_app, role):
    urls = _pages(live_app, ACCOUNTS[role]) + _extra_pages(live_app, role)
    assert len(urls) >= 10
    phone.context.add_init_script(path=str(AXE))
    phone.login(ACCOUNTS[role])
    problems, tables, confirms = [], 0, 0
    for url in urls:
        response = phone.goto(url)
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status >= 400:  # a refused page (403/404) logs its own status as a console error
            phone.js_errors[:] = [e for e in phone.js_errors if not e.startswith("Failed to load resource")]
        problems += [f"{url}: {violation}" for violation in axe_violations(phone)]
        problems += [f"{url}: table wider than {PHONE['width']} px: {t}" for t in phone.evaluate(WIDE_TABLES)]
        tables += phone.locator("main table").count()
        if (over := overflow_at_320px(phone)) > 0:
            problems.append(f"{url}: {over}px horizontal scroll at 320 px")
        confirms += _dismiss_every_confirm(phone, url, problems)
    problems += [f"console: {e}" for e in phone.js_errors]
    assert problems == [], f"{len(problems)} problems as {role}:\n" + "\n".join(problems)
    if role != "functionary":
        assert tables >= 2, f"the walk as {role} met no tables"
    if role != "author":
        assert confirms, f"no confirm dialog found as {role}: the walk missed the destructive actions"
