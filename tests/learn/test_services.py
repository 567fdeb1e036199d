"""Learn rules: filters and search, own functions first, marking read, the start-page pick, the cache."""
from datetime import date, datetime

import pytest

from app.content import catalogue as catalogue_module
from app.content.catalogue import get_catalogue
from app.extensions import db
from app.learn import services
from app.models import ModuleRead, PortfolioEntry
from tests import factories
from tests.content.helpers import content_dir, write_module  # noqa: F401


def titles(results):
    return [m.title for m in results.mine + results.others]


@pytest.fixture
def modules(content_dir):
    write_module(content_dir, "a.md", title="Alarmeren bij twijfel", competencies=["crisissensitiviteit"],
                 functions=["BA"], tags=["alarmering"], summary="Wanneer je óók bij twijfel meldt.")
    write_module(content_dir, "b.md", title="Beeldvorming in het ROT", competencies=["gedeeld-situationeel-bewustzijn"],
                 functions=["OL", "AC-IM"], level="gevorderd", tags=["LCMS", "beeld"])
    write_module(content_dir, "c.md", title="Crisisdiagnose in vijf vragen", competencies=["crisisdiagnose"],
                 tags=["diagnose"], summary="Vijf vragen voor de eerste vergadering.")
    write_module(content_dir, "d.md", title="Diagnose voor gevorderden", competencies=["crisisdiagnose"],
                 functions=["OL"], level="gevorderd")
    write_module(content_dir, "e.md", title="Een concept", published=False)
    return content_dir


def test_own_functions_first_then_by_title(app, modules):
    results = services.filter_modules(get_catalogue(), ["OL"], services.Filters())
    assert [m.title for m in results.mine] == ["Beeldvorming in het ROT", "Diagnose voor gevorderden"]
    assert [m.title for m in results.others] == ["Alarmeren bij twijfel", "Crisisdiagnose in vijf vragen"]
    assert results.total == 4  # the unpublished concept is not in the catalogue


@pytest.mark.parametrize("filters, expected", [
    (services.Filters(competency="crisisdiagnose"), ["Crisisdiagnose in vijf vragen", "Diagnose voor gevorderden"]),
    (services.Filters(level="gevorderd"), ["Beeldvorming in het ROT", "Diagnose voor gevorderden"]),
    (services.Filters(tag="LCMS"), ["Beeldvorming in het ROT"]),
    (services.Filters(q="ook twijfel"), ["Alarmeren bij twijfel"]),       # accents and case ignored
    (services.Filters(q="VRAGEN vergadering"), ["Crisisdiagnose in vijf vragen"]),  # title and summary
    (services.Filters(q="diagnose", level="basis"), ["Crisisdiagnose in vijf vragen"]),
    (services.Filters(q="bestaat nergens"), []),
])
def test_filters_and_search(app, modules, filters, expected):
    assert titles(services.filter_modules(get_catalogue(), [], filters)) == expected


def test_paging_keeps_the_order(app, content_dir):
    for n in range(7):
        write_module(content_dir, f"m{n}.md", title=f"Module {n}")
    first = services.filter_modules(get_catalogue(), [], services.Filters(page=1), page_size=3)
    last = services.filter_modules(get_catalogue(), [], services.Filters(page=3), page_size=3)
    assert (first.pages, titles(first), titles(last)) == (3, ["Module 0", "Module 1", "Module 2"], ["Module 6"])


def test_mark_read_is_idempotent_and_writes_the_portfolio(app, modules):
    person = factories.user()
    module = get_catalogue().get("c")
    first, created = services.mark_read(person, module, now=datetime(2026, 3, 5, 19, 40))
    again, created_again = services.mark_read(person, module, now=datetime(2026, 3, 6, 8, 0))
    assert (created, created_again) == (True, False)
    assert again.read_at == datetime(2026, 3, 5, 19, 40)  # the first time counts
    assert db.session.scalar(db.select(db.func.count()).select_from(ModuleRead)) == 1
    entries = db.session.scalars(db.select(PortfolioEntry)).all()
    assert [(e.kind, e.occurred_on, e.title, e.source, e.source_ref) for e in entries] == [
        ("module_read", date(2026, 3, 5), "Microlearning: Crisisdiagnose in vijf vragen", "module", "c")]


def test_mark_read_leaves_the_commit_to_the_request(app, modules):
    person = factories.user()
    db.session.commit()
    services.mark_read(person, get_catalogue().get("c"))
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(ModuleRead)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(PortfolioEntry)) == 0


def test_neighbours_in_the_same_competency(app, modules):
    catalogue = get_catalogue()
    previous, following, code = services.neighbours(catalogue, catalogue.get("c"))
    assert (previous, following.slug, code) == (None, "d", "crisisdiagnose")
    previous, following, _ = services.neighbours(catalogue, catalogue.get("d"))
    assert (previous.slug, following) == ("c", None)


def test_start_page_pick_prefers_this_weeks_briefing_module(app, content_dir):
    write_module(content_dir, "week.md", title="Module van week 10", briefing_week="2026-W10")
    write_module(content_dir, "next.md", title="Module van week 11", briefing_week="2026-W11")
    person = factories.user(functions=("OL",))
    pick = services.start_page_pick(person, today=date(2026, 3, 5))  # Thursday of week 10
    assert (pick["briefing"].slug, pick["is_weekly"], pick["week"]) == ("week", True, "2026-W10")
    assert pick["briefing_read"] is None
    services.mark_read(person, get_catalogue().get("week"))
    pick = services.start_page_pick(person, today=date(2026, 3, 5))
    assert pick["briefing"].slug == "week" and pick["briefing_read"] is not None  # still shown, now read


def test_without_a_weekly_module_the_newest_unread_for_the_function(app, content_dir):
    write_module(content_dir, "oud.md", title="Oud", functions=["OL"], briefing_week="2026-W02")
    write_module(content_dir, "nieuw.md", title="Nieuw", functions=["OL"], briefing_week="2026-W08")
    write_module(content_dir, "toekomst.md", title="Toekomst", functions=["OL"], briefing_week="2026-W30")
    write_module(content_dir, "ander.md", title="Voor BA", functions=["BA"], briefing_week="2026-W09")
    person = factories.user(functions=("OL",))
    pick = services.start_page_pick(person, today=date(2026, 3, 5))
    assert (pick["briefing"].slug, pick["is_weekly"]) == ("nieuw", False)
    services.mark_read(person, get_catalogue().get("nieuw"))
    assert services.start_page_pick(person, today=date(2026, 3, 5))["briefing"].slug == "oud"


def test_plan_competencies_add_up_to_three_unread_modules(app, content_dir):
    from app.plan.services import choose_competency

    for n in range(5):
        write_module(content_dir, f"n{n}.md", title=f"Nafase {n}", competencies=["nafase"])
    write_module(content_dir, "other.md", title="Iets anders", competencies=["leiderschap"])
    person = factories.user()
    factories.competency("nafase")
    choose_competency(person, 2026, "nafase", "basis")
    services.mark_read(person, get_catalogue().get("n0"))
    pick = services.start_page_pick(person, today=date(2026, 3, 5))
    plan = [m.slug for m in pick["plan_modules"]]
    assert len(plan) == 3 and "n0" not in plan and "other" not in plan and pick["briefing"].slug not in plan


def test_without_chosen_competencies_there_are_no_plan_modules(app, content_dir):
    write_module(content_dir, "a.md")
    pick = services.start_page_pick(factories.user(), today=date(2026, 3, 5))
    assert pick["plan_modules"] == [] and pick["briefing"].slug == "a"


def test_page_views_do_not_parse_again_until_a_file_changes(app, content_dir, monkeypatch):
    path = write_module(content_dir, "a.md", title="Eerste versie")
    write_module(content_dir, "b.md")
    get_catalogue()
    calls = []
    real = catalogue_module.parse_file
    monkeypatch.setattr(catalogue_module, "parse_file", lambda *a: calls.append(a[0].name) or real(*a))
    get_catalogue()
    get_catalogue()
    assert calls == []
    path.write_text(path.read_text().replace("Eerste versie", "Tweede versie, langer"))
    assert get_catalogue().get("a").title == "Tweede versie, langer"
    assert calls == ["a.md"]  # only the changed file
    (content_dir / "b.md").unlink()
    assert get_catalogue().get("b") is None


def test_recheck_interval_limits_stat_calls(app, content_dir):
    app.config["CONTENT_RECHECK_SECONDS"] = 3600
    write_module(content_dir, "a.md")
    first = get_catalogue()
    write_module(content_dir, "b.md")
    assert get_catalogue() is first and first.get("b") is None  # not looked at again yet
    assert get_catalogue(force=True).get("b") is not None


def test_a_broken_module_is_left_out_with_its_problem(app, content_dir):
    write_module(content_dir, "goed.md")
    broken = write_module(content_dir, "kapot.md", raw_front="title: [kapot\nsummary: s")
    catalogue = get_catalogue()
    assert list(catalogue.modules) == ["goed"]
    assert [p.line for p in catalogue.problems_for(str(broken))] == [3]
