"""Markdown to safe HTML for modules, quiz texts and activity descriptions.

Python-Markdown renders; nh3 (ammonia) then keeps only an allow-list: no script, no event
handlers, no style attributes, links only http/https/mailto/relative, images only local.
"""
from __future__ import annotations

import re

import markdown as md
import nh3
from markupsafe import Markup

TAGS = {"a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul", "caption"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
              "abbr": {"title"}, "th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"},
              "code": {"class"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
_EXTERNAL = re.compile(r"^(https?:)?//", re.I)


def _attribute_filter(image_prefix: str | None):
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            # No hot-linking: only relative paths (resolved against the module's folder) or the app.
            if _EXTERNAL.match(value) or value.startswith("data:") or ":" in value.split("/")[0]:
                return None
            if image_prefix and not value.startswith("/"):
                return image_prefix.rstrip("/") + "/" + value.lstrip("./")
        if tag == "code" and attribute == "class" and not value.startswith("language-"):
            return None
        return value
    return keep


def render(text: str, image_prefix: str | None = None) -> Markup:
    """Render markdown (tables, fenced code) and sanitise; external links get rel=noopener."""
    html = md.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"],
                       output_format="html")
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer", attribute_filter=_attribute_filter(image_prefix),
                      strip_comments=True)
    return Markup(clean)


def render_inline(text: str) -> Markup:
    """A one-paragraph text (e.g. a quiz option) without the surrounding <p>."""
    html = str(render(text))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
