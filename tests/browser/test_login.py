"""A functionary logs in on a phone and sees their start page."""
from playwright.sync_api import expect


def test_login_on_phone_shows_start_page(phone):
    phone.login("functionaris@demo.paraat.nl")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hallo Sanne de Vries")
    expect(phone.get_by_text("Operationeel Leider").first).to_be_visible()
    # The menu fits a 360 px screen and opens with one tap.
    phone.get_by_text("Menu").click()
    expect(phone.get_by_role("link", name="Account")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.js_errors == []


def test_wrong_password_moves_focus_to_error_summary(phone):
    phone.goto("/login")
    phone.get_by_label("E-mailadres").fill("functionaris@demo.paraat.nl")
    phone.get_by_label("Wachtwoord", exact=True).fill("verkeerd")
    phone.get_by_role("button", name="Inloggen").click()
    expect(phone.get_by_role("alert")).to_contain_text("E-mailadres of wachtwoord klopt niet.")


def test_account_lists_this_device_and_logs_out_everywhere(phone):
    phone.login("functionaris@demo.paraat.nl")
    phone.goto("/account")
    sessions = phone.get_by_role("list", name="Ingelogde apparaten")
    expect(sessions).to_contain_text("(dit apparaat)")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="Uitloggen op alle apparaten").click()
    expect(phone.get_by_text("Je bent op alle apparaten uitgelogd.")).to_be_visible()
    phone.goto("/account")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Inloggen")
    assert phone.js_errors == []
