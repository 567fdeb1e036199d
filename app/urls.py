"""Absolute links for mails, calendar feeds and security.txt: always PUBLIC_URL, never the Host header."""
from urllib.parse import urlsplit

from flask import current_app


def public_path(path: str) -> str:
    """An app path such as `/activities/mine` as an absolute link."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def public_url(endpoint: str, **values) -> str:
    """`url_for(endpoint, **values)` as seen from PUBLIC_URL; works with or without a request."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
