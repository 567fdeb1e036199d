"""Coordinator monitoring: system, function group, individual, learning, yearly report, CSV exports.

Only coordinators and admins, only their own region. Every look at one person is audit-logged.
"""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from app import audit
from app.activities.base import local_now
from app.auth import access
from app.auth.permissions import role_required
from app.csv_export import csv_response
from app.extensions import db
from app.models import Function, ObligationFulfilment, OrganisationObligation, User
from app.monitor import bp, charts, obligations, status, views
from app.monitor.forms import FulfilmentForm, RosterForm
from app.norms.roster import RosterError, import_roster, roster_overview
from app.norms.services import PLAN_RULES, STATUS_RULES
from app.web import render

ROLES = ("coordinator", "admin")


def _now() -> datetime:
    return local_now()


def _year(now: datetime) -> int:
    return status.parse_year(request.args.get("year"), now.date())


def _function(code: str) -> Function:
    function = db.session.scalar(db.select(Function).filter_by(region_id=current_user.region_id, code=code))
    if function is None:
        abort(404)
    return function


def _person(person_id: int):
    return access.get_or_404(User, person_id)


def _system_context(now: datetime, year: int) -> dict:
    region_id = current_user.region_id
    functions = status.overview(region_id, year, now.date())
    function_charts = {}
    for fo in functions:
        rows = [(s.kind_name, {k: s.counts[k] for k in status.STATUSES}) for s in fo.norms if s.counted]
        function_charts[fo.function.id] = charts.bar_chart(
            f"chart-{fo.function.code.lower()}", f"{fo.function.code}: mensen per norm in {year}",
            charts.describe_statuses(rows), rows)
    return dict(year=year, years=status.years(region_id, now.date()),
                on=status.reference_date(year, now.date()), functions=functions, charts=function_charts,
                obligations=obligations.obligations(region_id, year, now), labels=status.STATUS_LABELS,
                rules=status.Thresholds.of(current_user.region).rules(), rating_labels=status.RATING_LABELS)


@bp.route("/monitor")
@role_required(*ROLES)
def index():
    now = _now()
    return render("monitor/index.html", "monitor/_system.html", **_system_context(now, _year(now)))


@bp.route("/monitor.csv")
@role_required(*ROLES)
def index_csv():
    now = _now()
    year = _year(now)
    functions = status.overview(current_user.region_id, year, now.date())
    rows = []
    for fo in functions:
        overall = fo.overall
        rows.append([year, fo.function.code, fo.function.name, fo.function.is_key, "Alle normen", "",
                     len(fo.people), overall["done"], overall["at_risk"], overall["behind"], fo.rating_label])
        for s in fo.norms:
            rows.append([year, fo.function.code, fo.function.name, fo.function.is_key, s.kind_name, s.period_label,
                         len(fo.people), s.counts["done"], s.counts["at_risk"], s.counts["behind"],
                         "" if s.counted else "Ter informatie"])
    return csv_response(f"paraat-monitor-{year}", [
        "Jaar", "Functie", "Functienaam", "Sleutelfunctie", "Norm", "Periode", "Mensen", "Op norm", "Let op",
        "Achter", "Oordeel"], rows)


def _function_context(function: Function, now: datetime, year: int, sort: str) -> dict:
    region_id = current_user.region_id
    found = status.overview(region_id, year, now.date(), function_id=function.id)
    fo = found[0] if found else None
    people = status.sort_people(fo.people, sort) if fo else []
    upcoming = (views.next_activities(region_id, function.id, views.needed_kinds(fo, year), now)
                if fo and year == now.year else {})
    supply = views.demand_supply(region_id, function.id, year)
    ds_rows = [(d.name, {"demand": d.demand, "supply": d.seats}) for d in supply]
    ds_chart = charts.bar_chart(
        f"chart-ds-{function.code.lower()}", f"{function.code}: vraag en aanbod per competentie in {year}",
        "; ".join(f"{d.name}: {d.demand} gekozen, {d.seats} plaatsen in {d.activities} activiteiten"
                  for d in supply) or "Geen gegevens.",
        ds_rows, series=charts.DEMAND_SUPPLY_SERIES, stacked=False, hatched=set())
    return dict(function=function, fo=fo, people=people, sort=sort, sorts=status.SORTS, year=year,
                years=status.years(region_id, now.date()), on=status.reference_date(year, now.date()),
                upcoming=upcoming, supply=supply, ds_chart=ds_chart, labels=status.STATUS_LABELS)


@bp.route("/monitor/functions/<code>")
@role_required(*ROLES)
def function(code):
    function = _function(code)
    now = _now()
    sort = request.args.get("sort") if request.args.get("sort") in status.SORTS else "status"
    return render("monitor/function.html", "monitor/_function.html",
                  **_function_context(function, now, _year(now), sort))


@bp.route("/monitor/functions/<code>.csv")
@role_required(*ROLES)
def function_csv(code):
    function = _function(code)
    now = _now()
    year = _year(now)
    ctx = _function_context(function, now, year, "name")
    fo = ctx["fo"]
    norms = fo.norms if fo else []
    header = ["Naam", "Totaal"] + [s.kind_name for s in norms] + ["Tekort (aantal)", "Volgende activiteit"]
    rows = []
    for p in ctx["people"]:
        next_titles = [f"{a.title} ({a.starts_at:%Y-%m-%d})" for k, a in ctx["upcoming"].items() if k in p.missing]
        rows.append([p.name, p.overall_label]
                    + [status.STATUS_LABELS.get(p.statuses.get(s.kind), "") for s in norms]
                    + [p.total_missing, " | ".join(next_titles)])
    audit.record(current_user, "monitor_function_csv", object_type="function", object_id=function.code,
                 detail=f"{len(rows)} personen, {year}")
    return csv_response(f"paraat-monitor-{function.code}-{year}", header, rows)


@bp.route("/monitor/people/<int:person_id>")
@role_required(*ROLES)
def person(person_id):
    person = _person(person_id)
    now = _now()
    year = _year(now)
    detail = views.person_detail(person, year, now.date())
    views.log_view(current_user, person, detail=f"jaar {year}")
    return render("monitor/person.html", "monitor/_person.html", d=detail, year=year,
                  years=status.years(current_user.region_id, now.date()),
                  registration_labels=views.REGISTRATION_LABELS)


@bp.route("/monitor/people/<int:person_id>.csv")
@role_required(*ROLES)
def person_csv(person_id):
    person = _person(person_id)
    now = _now()
    year = _year(now)
    d = views.person_detail(person, year, now.date())
    views.log_view(current_user, person, "monitor_export_person", detail=f"jaar {year}")
    rows = []
    for s in d.norms:
        rows.append(["Norm", f"{s.function_code} — {s.kind_name} ({s.period_label})", s.deadline,
                     s.status_label, f"{s.done} van {s.required}" if s.required else ""])
    for g in d.goals:
        rows.append(["Leerdoel", g.text, None, "behaald" if g.status == "achieved" else "open",
                     g.competency.name if g.competency else ""])
    for c in d.competencies:
        rows.append(["Competentie", c.name, None, c.status, c.level])
    for activity, reg in d.attendance:
        rows.append(["Activiteit", activity.title, activity.starts_at.date(),
                     views.REGISTRATION_LABELS.get(reg.status, reg.status), activity.kind])
    for label, n in d.entry_counts:
        rows.append(["Portfolio (aantal)", label, None, "", n])
    for s in d.shared:
        texts = " | ".join(t for t in (s.get("feedup"), s.get("went_well"), s.get("to_develop")) if t)
        rows.append(["Gedeeld portfolio-item", s["title"], s["occurred_on"], "gedeeld", texts])
    return csv_response(f"paraat-monitor-persoon-{person.id}-{year}",
                        ["Onderdeel", "Omschrijving", "Datum", "Status", "Toelichting"], rows)


def _learning_context(now: datetime, year: int) -> dict:
    region_id = current_user.region_id
    quizzes = views.quizzes_with_people(region_id)
    slug = request.args.get("quiz")
    if slug not in {q[0] for q in quizzes}:
        slug = None
    stats, minimum = views.item_statistics(slug, region_id) if slug else ([], None)
    if minimum is None:
        from app.quizzes.statistics import MIN_PEOPLE_FOR_STATISTICS as minimum
    reach = views.learning_reach(region_id, year)
    reach_chart = charts.bar_chart(
        "chart-reach", f"Bereik van microlearnings per functie in {year}",
        "; ".join(f"{r.function.code}: {r.readers} van {r.people} lazen minstens één module" for r in reach)
        or "Geen gegevens.",
        [(r.function.code, {"readers": r.readers, "others": r.people - r.readers}) for r in reach],
        series=[("readers", "Las minstens één module", "#0b4f6c"), ("others", "Nog niet", "#6b7780")],
        hatched=set())
    return dict(year=year, years=status.years(region_id, now.date()), reach=reach, reach_chart=reach_chart,
                modules=views.module_reach(region_id, year), quizzes=quizzes, quiz=slug, stats=stats,
                minimum=minimum)


@bp.route("/monitor/learning")
@role_required(*ROLES)
def learning():
    now = _now()
    return render("monitor/learning.html", "monitor/_learning.html", **_learning_context(now, _year(now)))


@bp.route("/monitor/learning.csv")
@role_required(*ROLES)
def learning_csv():
    from app.quizzes.statistics import item_statistics
    now = _now()
    year = _year(now)
    region_id = current_user.region_id
    rows = []
    for r in views.learning_reach(region_id, year):
        rows.append(["Bereik per functie", r.function.code, r.function.name, r.people, r.readers, r.reads,
                     r.percent, "", ""])
    for slug, title, readers in views.module_reach(region_id, year):
        rows.append(["Module", slug, title, "", readers, "", "", "", ""])
    for slug, title, people in views.quizzes_with_people(region_id):
        for item in item_statistics(slug, region_id=region_id):
            if not item.shown:
                continue  # below the minimum group size nothing is reported
            rows.append(["Toetsvraag", f"{slug}/{item.question_id}", item.question_text, item.people, "",
                         item.attempts, round((item.first_try_correct or 0) * 100), item.most_chosen_wrong or "",
                         item.most_chosen_wrong_count or ""])
    return csv_response(f"paraat-monitor-leren-{year}", [
        "Onderdeel", "Code", "Naam", "Mensen", "Lezers", "Aantal", "Percentage", "Vaakst gekozen fout antwoord",
        "Keer gekozen"], rows)


@bp.route("/monitor/report")
@role_required(*ROLES)
def report():
    now = _now()
    year = _year(now)
    region_id = current_user.region_id
    return render("monitor/report.html", "monitor/_report.html", year=year, years=status.years(region_id, now.date()),
                  on=status.reference_date(year, now.date()), region=current_user.region,
                  functions=status.overview(region_id, year, now.date(), shares=True),
                  obligations=obligations.obligations(region_id, year, now),
                  rules=status.Thresholds.of(current_user.region).rules(), rating_labels=status.RATING_LABELS,
                  status_rules=STATUS_RULES, plan_rules=PLAN_RULES, generated=now)


@bp.route("/monitor/obligations/<int:obligation_id>", methods=["GET", "POST"])
@role_required(*ROLES)
def obligation(obligation_id):
    region_id = current_user.region_id
    item = access.get_or_404(OrganisationObligation, obligation_id)
    now = _now()
    year = status.parse_year(request.values.get("year"), now.date())
    form = FulfilmentForm()
    activities = obligations.linkable_activities(region_id, year, now)
    form.activity_id.choices = [(0, "Kies een activiteit")] + [
        (a.id, f"{a.starts_at:%d-%m-%Y} — {a.title}") for a in activities]
    if form.validate_on_submit():
        try:
            obligations.link_activity(current_user, item, year, form.activity_id.data, form.note.data or "",
                                      form.covers_all.data, now)
        except obligations.MonitorError as exc:   # raised before anything is stored
            form.activity_id.errors = list(form.activity_id.errors) + [str(exc)]
        else:
            flash("Activiteit gekoppeld aan de verplichting.", "success")
            return redirect(url_for("monitor.obligation", obligation_id=item.id, year=year))
    found = next(s for s in obligations.obligations(region_id, year, now) if s.obligation.id == item.id)
    return render("monitor/obligation.html", "monitor/_obligation.html",
                  status=422 if request.method == "POST" else 200,
                  item=item, s=found, form=form, year=year, years=status.years(region_id, now.date()),
                  has_activities=bool(activities))


@bp.route("/monitor/fulfilments/<int:fulfilment_id>/delete", methods=["POST"])
@role_required(*ROLES)
def unlink(fulfilment_id):
    link = access.get_or_404(ObligationFulfilment, fulfilment_id)
    obligation_id, year = link.obligation_id, link.year
    obligations.unlink(current_user, link)
    flash("Koppeling verwijderd.", "success")
    return redirect(url_for("monitor.obligation", obligation_id=obligation_id, year=year))


ROSTER_MAX_BYTES = 1_000_000


@bp.route("/monitor/roster", methods=["GET", "POST"])
@role_required(*ROLES)
def roster():
    """The piket roster: a coordinator uploads duty periods (CSV e-mail;begin;eind) for the region."""
    form = RosterForm()
    problems, result = [], None
    if form.validate_on_submit():
        data = form.roster.data.read(ROSTER_MAX_BYTES + 1)
        try:
            if len(data) > ROSTER_MAX_BYTES:
                raise RosterError([f"{form.roster.data.filename}:0: het bestand is groter dan 1 MB."])
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise RosterError([f"{form.roster.data.filename}:0: sla het bestand op als CSV UTF-8."]) from None
            result = import_roster(text, form.roster.data.filename or "rooster.csv", current_user.region_id,
                                   actor=current_user)
        except RosterError as exc:   # raised before anything is stored
            problems = exc.problems
        else:
            flash(f"Rooster ingelezen: {result.added} dienstperiode(s) toegevoegd, {result.existing} al bekend.",
                  "success")
            return redirect(url_for("monitor.roster"))
    return render("monitor/roster.html", "monitor/_roster.html",
                  status=422 if request.method == "POST" else 200, form=form, problems=problems,
                  periods=roster_overview(current_user.region_id, _now().date()))

