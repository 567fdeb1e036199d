"""On a phone: a removed module's address (410) and the author's view of a held-back commit."""
import os
import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import ContentCommit, ContentSyncRun, RetiredModule
from app.models.core import utcnow
from tests.browser.helpers import axe_violations

LIVE, HELD = "a" * 40, "b" * 40


@pytest.fixture
def synced(live_app, tmp_path):
    """The demo server as if `content sync` had published LIVE and held HELD back."""
    (tmp_path / "releases" / LIVE).mkdir(parents=True)
    os.symlink(f"releases/{LIVE}", tmp_path / "current")
    saved = {key: live_app.config.get(key) for key in ("CONTENT_REPO", "CONTENT_SYNC_DIR")}
    live_app.config.update(CONTENT_REPO="https://git.example.nl/oto/inhoud.git", CONTENT_SYNC_DIR=str(tmp_path))
    with live_app.app_context():
        db.session.add_all([
            ContentCommit(sha=LIVE, status="published", author_name="Anna Auteur", message="Nieuwe module",
                          committed_at=utcnow(), problems=[], changes={}),
            ContentCommit(sha=HELD, status="held", author_name="Bert Bouwer", message="Niveau aangepast",
                          committed_at=utcnow(), changes={"changed": ["content/scenarios/een-hele-lange-naam-van-een-module.md"]},
                          problems=["content/scenarios/een-hele-lange-naam-van-een-module.md:6: niveau 'expert' "
                                    "is onbekend; kies basis of gevorderd"]),
            ContentSyncRun(sha=HELD, result="held", detail="bbbbbbbbbb tegengehouden: 1 probleem"),
            RetiredModule(slug="oude-module", title="Een oude module"),
        ])
        db.session.commit()
    yield
    live_app.config.update(saved)
    with live_app.app_context():
        for model in (ContentCommit, ContentSyncRun, RetiredModule):
            db.session.execute(db.delete(model))
        db.session.commit()


def test_a_removed_module_says_so_and_leads_to_the_catalogue(phone, synced):
    phone.login("functionaris@demo.paraat.nl")
    response = phone.goto("/learn/oude-module")
    assert response.status == 410
    expect(phone.get_by_role("heading", level=1)).to_have_text("Deze module bestaat niet meer")
    expect(phone.get_by_text("Een oude module")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []
    phone.get_by_role("link", name="Naar alle microlearnings").click()
    expect(phone).to_have_url(re.compile(r"/learn$"))


def test_an_author_sees_what_is_live_and_why_a_commit_is_held_back(phone, synced):
    phone.login("auteur@demo.paraat.nl")
    phone.goto("/author")
    live = phone.locator(".author-live")
    expect(live).to_contain_text("aaaaaaaaaa")
    expect(live).to_contain_text("Anna Auteur")
    expect(live).to_contain_text("Tegengehouden: commit bbbbbbbbbb")
    expect(live).to_contain_text("content/scenarios/een-hele-lange-naam-van-een-module.md:6: niveau 'expert'")
    expect(live).to_contain_text("Gewijzigd: content/scenarios/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []
    assert phone.js_errors == []
