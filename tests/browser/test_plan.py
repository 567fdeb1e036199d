"""A functionary writes a reflection on a phone, and sees norm progress on the plan page."""
import re

from playwright.sync_api import expect


def test_reflection_on_phone(phone):
    phone.login("functionaris@demo.paraat.nl")
    expect(phone.locator("#section-norms")).to_contain_text("Voortgang op je normen")
    phone.goto("/portfolio?kind=deployment")
    phone.get_by_role("link", name="Inzet wateroverlast Glanerbrug").click()
    expect(phone.get_by_text("Alleen jij ziet dit.")).to_be_visible()
    phone.get_by_label("Wat ging goed?").fill("Snel contact met het waterschap gelegd.")
    phone.get_by_label("Wat wil ik ontwikkelen?").fill("De nafase eerder agenderen.")
    phone.get_by_role("button", name="Reflectie opslaan").click()
    # One element per assertion: app.js copies the message into the #status live region too.
    expect(phone.locator("#teksten .flash-success")).to_have_text("Je teksten zijn opgeslagen.")
    expect(phone.locator("#status")).to_have_text("Je teksten zijn opgeslagen.")
    phone.reload()
    expect(phone.get_by_label("Wat wil ik ontwikkelen?")).to_have_value("De nafase eerder agenderen.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.js_errors == []


def test_plan_page_shows_norms_and_briefing_deadline(phone):
    phone.login("functionaris@demo.paraat.nl")
    phone.goto("/plan#normen")
    expect(phone.get_by_role("heading", name="Normen")).to_be_visible()
    folded = phone.locator("#normen details.norm-details > summary")
    if folded.count():  # norms that are done or ongoing are folded below those that need attention
        folded.click()
    # The briefing norm names its next moment: a date under the 5-week rule, or the next duty period
    # once a roster is uploaded (tests/browser/test_monitor.py uploads one for this person).
    expect(phone.locator("#normen").get_by_text(re.compile(r"Volgende (uiterlijk|dienst)")).first).to_be_visible()
    expect(phone.locator("#competenties")).to_contain_text("Leiderschap")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_learning_goal_form_error_then_success_on_phone(phone):
    """A new learning goal at 360 px: an empty one is refused with the summary focused; its link brings
    the field into view with its label; a good one is added, its message focused in the section."""
    phone.login("functionaris@demo.paraat.nl")
    phone.goto("/plan#leerdoelen")
    phone.get_by_role("button", name="Leerdoel toevoegen").click()
    summary = phone.locator("#leerdoelen .error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Vul een leerdoel in.").click()
    field = phone.get_by_label("Nieuw leerdoel")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("label[for=goal-text]")).to_be_in_viewport()
    text = "Ik wil de nafase vanaf de eerste vergadering bewaken."
    field.fill(text)
    phone.get_by_role("button", name="Leerdoel toevoegen").click()
    expect(phone.locator("#leerdoelen .flash-success")).to_be_focused()
    expect(phone.locator("#leerdoelen .goal-text").last).to_have_text(text)
    expect(phone.get_by_label("Nieuw leerdoel")).to_have_value("")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert [e for e in phone.js_errors if "status of 422" not in e] == []  # the 422 itself is the answer


def test_an_edited_goal_opens_the_plan_at_the_goal_with_its_message_focused(phone):
    """Saving the goal's own page sends the person back to the plan at that goal (htmx HX-Redirect to
    /plan#leerdoel-N); the message there has focus, so a screen reader says it was saved."""
    phone.login("functionaris@demo.paraat.nl")
    phone.goto("/plan#leerdoelen")
    phone.locator("#leerdoelen a[href^='/plan/goals/']").first.click()
    phone.get_by_role("button", name="Opslaan").click()
    phone.wait_for_url(re.compile(r"/plan\?year=\d+#leerdoel-\d+$"))
    message = phone.locator("#leerdoelen .flash-success")
    expect(message).to_have_text("Leerdoel opgeslagen.")
    expect(message).to_be_focused()
    expect(message).to_be_in_viewport()
