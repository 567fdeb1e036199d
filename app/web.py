"""Small view helpers shared by every feature: one route, two answers (page or htmx fragment)."""
from flask import make_response, render_template, request


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """Render the full page, or only `fragment` for an htmx request (never for a boosted page load)."""
    wants_fragment = fragment and request.headers.get("HX-Request") == "true" \
        and request.headers.get("HX-Boosted") != "true"
    response = make_response(render_template(fragment if wants_fragment else page, **context), status)
    response.vary.add("HX-Request")
    return response


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"
