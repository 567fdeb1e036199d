"""Small view helpers shared by every feature: one route, two answers (page or htmx fragment)."""
from flask import abort, make_response, render_template, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1          # the largest value of an INTEGER column (PostgreSQL and the ids it hands out)
YEARS = range(2000, 2101)   # the years Paraat plans, reports and prints


class IdConverter(IntegerConverter):
    """`<int:...>` in every URL: an id no INTEGER column can hold is a 404, not a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class YearConverter(IntegerConverter):
    """`<year:...>`: a plan year Paraat knows (2000-2100), else 404."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, min=YEARS.start, max=YEARS.stop - 1, **kwargs)


def year_arg(value, default: int) -> int:
    """A `?year=` value: the default when absent, 404 when it is not a year Paraat knows."""
    if value in (None, ""):
        return default
    try:
        year = int(value)
    except (TypeError, ValueError):
        abort(404)
    if year not in YEARS:
        abort(404)
    return year


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """Render the full page, or only `fragment` for an htmx request (never for a boosted page load)."""
    wants_fragment = fragment and request.headers.get("HX-Request") == "true" \
        and request.headers.get("HX-Boosted") != "true"
    response = make_response(render_template(fragment if wants_fragment else page, **context), status)
    response.vary.add("HX-Request")
    return response


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def opened_by_person() -> bool:
    """Whether the person asked for this (a page they opened, or an htmx request of a page they use),
    not the service worker fetching a page in the background. Browsers that send no Sec-Fetch-Mode
    count as opening it."""
    return request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate" or is_htmx()


def confirmed() -> bool:
    """A destructive POST goes ahead only with confirmed=1: set by app.js after the confirm dialog,
    or by the confirm step below when JavaScript is off (GOV.UK "are you sure" pattern)."""
    return request.form.get("confirmed") == "1"


def confirm_step(question: str, consequence: str, button: str, back_url: str):
    """The page that asks before a destructive action, posting the same form again with confirmed=1."""
    fields = [(key, value) for key, value in request.form.items(multi=True)
              if key not in ("csrf_token", "confirmed")]
    return make_response(render_template("confirm.html", question=question, consequence=consequence,
                                         button=button, back_url=back_url, action=request.path,
                                         fields=fields), 200)
