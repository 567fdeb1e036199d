"""The app's URL map for the sweeps (CSRF, every page, IDOR), built once per run on first use.

Test modules call `rules()` from `pytest_generate_tests`, never at import.
"""
from functools import cache

from werkzeug.routing import Rule


@cache
def rules() -> tuple[Rule, ...]:
    """Every rule except static, sorted by path."""
    from app import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "url-map", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return tuple(sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule))
