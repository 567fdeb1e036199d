"""One micro-learning module: parse a markdown file, check its own front matter, find its links."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.content.frontmatter import FrontMatterError, split
from app.content.problems import Problem

LEVELS = ("basis", "gevorderd")
FIELDS = ("title", "slug", "summary", "competencies", "functions", "level", "minutes", "quiz", "tags",
          "briefing_week", "published", "authors")
REQUIRED = ("title", "summary", "competencies", "level", "minutes")
SUMMARY_MAX = 200
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif")


@dataclass(eq=False)
class Module:
    path: Path              # absolute file path
    rel: str                # path inside CONTENT_DIR, with forward slashes
    display: str            # path as shown in problem lines
    slug: str
    title: str
    summary: str
    competencies: tuple[str, ...]
    functions: tuple[str, ...]
    level: str
    minutes: int
    quiz: str | None
    tags: tuple[str, ...]
    briefing_week: str | None
    published: bool
    authors: tuple[str, ...]
    body: str
    body_line: int
    mtime: float
    key_lines: dict = field(default_factory=dict, repr=False)
    item_lines: dict = field(default_factory=dict, repr=False)
    search_text: str = ""
    broken: bool = False    # a front-matter problem keeps it out of the catalogue

    @functools.cached_property
    def links(self) -> list["Link"]:
        """Link and image targets in the body (found once per file version)."""
        return find_links(self)

    def line_of(self, key: str, index: int | None = None) -> int:
        if index is not None and key in self.item_lines and index < len(self.item_lines[key]):
            return self.item_lines[key][index]
        return self.key_lines.get(key, 1)

    def for_functions(self, codes) -> bool:
        """True when the module names one of these functions (an empty list means everyone)."""
        return bool(set(self.functions).intersection(codes))


@dataclass
class ParsedFile:
    """What one file yields: a module (None when unreadable, `broken` when the front matter has an
    error) and the problems found in the file on its own."""

    display: str
    rel: str
    module: Module | None
    problems: list[Problem]
    duplicate: bool = False  # same slug as an earlier file: left out

    @property
    def listed(self) -> bool:
        return self.module is not None and not self.module.broken and not self.duplicate


def fold(text: str) -> str:
    """Case- and accent-insensitive form for search ("Één" matches "een")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def valid_iso_week(value: str) -> bool:
    match = WEEK_RE.match(value)
    if not match:
        return False
    year, week = int(match.group(1)), int(match.group(2))
    weeks_in_year = date(year, 12, 28).isocalendar()[1]
    return 1 <= week <= weeks_in_year


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _string_list(value, key: str, fm, problems: list, display: str, fatal: list) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(Problem(display, fm.key_lines.get(key, 1),
                                f"'{key}' moet een lijst zijn, bijvoorbeeld [a, b]"))
        fatal.append(key)
        return ()
    items = []
    for index, item in enumerate(value):
        if isinstance(item, (dict, list)) or item is None:
            lines = fm.item_lines.get(key, [])
            line = lines[index] if index < len(lines) else fm.key_lines.get(key, 1)
            problems.append(Problem(display, line, f"'{key}' bevat een ongeldige waarde"))
            fatal.append(key)
            continue
        items.append(str(item).strip())
    return tuple(items)


def parse_file(path: Path, root: Path, display: str) -> ParsedFile:
    """Read and check one file on its own (no database, no other modules)."""
    rel = path.relative_to(root).as_posix()
    problems: list[Problem] = []
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return ParsedFile(display, rel, None, [Problem(display, line, "bestand is geen geldige UTF-8-tekst")])
    except OSError as exc:
        return ParsedFile(display, rel, None, [Problem(display, 0, f"kan bestand niet lezen: {exc.strerror}")])
    text = text.replace("\r\n", "\n")
    try:
        fm = split(text)
    except FrontMatterError as exc:
        return ParsedFile(display, rel, None, [Problem(display, exc.line, exc.message)])
    except Exception as exc:  # whatever the parser trips over, the site stays up
        return ParsedFile(display, rel, None, [Problem(display, 1, f"front matter onleesbaar: {exc}")])

    data, fatal = fm.data, []

    def at(key):
        return fm.key_lines.get(key, fm.start_line)

    for key in data:
        if key not in FIELDS:
            problems.append(Problem(display, at(key), f"onbekend veld '{key}' (zie content/README.md)"))
    for key in REQUIRED:
        if data.get(key) in (None, "", []):
            problems.append(Problem(display, at(key) if key in data else 1, f"verplicht veld '{key}' ontbreekt"))
            fatal.append(key)

    title = data.get("title")
    if title is not None and not isinstance(title, str):
        title = str(title)
    summary = data.get("summary")
    if summary is not None and not isinstance(summary, str):
        summary = str(summary)
    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        problems.append(Problem(display, at("summary"),
                                f"samenvatting is {len(summary)} tekens; maximaal {SUMMARY_MAX}"))

    slug = data.get("slug", path.stem)
    slug = str(slug).strip() if slug is not None else path.stem
    if not SLUG_RE.match(slug):
        where = at("slug") if "slug" in data else 1
        problems.append(Problem(display, where, f"slug '{slug}' mag alleen kleine letters, cijfers en "
                                                "streepjes bevatten"))
        fatal.append("slug")

    level = data.get("level")
    if level is not None and level not in LEVELS:
        problems.append(Problem(display, at("level"), f"niveau '{level}' is onbekend; kies basis of gevorderd"))
        fatal.append("level")

    minutes = data.get("minutes")
    if minutes is not None:
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            problems.append(Problem(display, at("minutes"), "'minutes' moet een heel getal zijn (1 tot en met 30)"))
            fatal.append("minutes")
        elif not 1 <= minutes <= 30:
            problems.append(Problem(display, at("minutes"),
                                    f"leestijd {minutes} minuten valt buiten 1 tot en met 30"))
            fatal.append("minutes")

    competencies = _string_list(data.get("competencies"), "competencies", fm, problems, display, fatal)
    functions = _string_list(data.get("functions"), "functions", fm, problems, display, fatal)
    tags = _string_list(data.get("tags"), "tags", fm, problems, display, fatal)
    authors = _string_list(data.get("authors"), "authors", fm, problems, display, fatal)

    quiz = data.get("quiz")
    if quiz is not None:
        quiz = str(quiz).strip() or None

    week = data.get("briefing_week")
    if week is not None:
        week = str(week).strip()
        if not valid_iso_week(week):
            problems.append(Problem(display, at("briefing_week"),
                                    f"briefing_week '{week}' is geen ISO-week zoals 2026-W49"))
            week = None

    published = data.get("published", True)
    if not isinstance(published, bool):
        problems.append(Problem(display, at("published"), "'published' moet true of false zijn"))
        fatal.append("published")
        published = False

    if not fm.body.strip():
        problems.append(Problem(display, fm.body_line, "de module heeft geen tekst onder de front matter"))

    module = Module(path=path, rel=rel, display=display, slug=slug, title=(title or path.stem).strip(),
                    summary=summary, competencies=competencies, functions=functions,
                    level=level if level in LEVELS else "basis",
                    minutes=minutes if isinstance(minutes, int) and not isinstance(minutes, bool) else 0,
                    quiz=quiz, tags=tags, briefing_week=week, published=published, authors=authors,
                    body=fm.body, body_line=fm.body_line, mtime=path.stat().st_mtime,
                    key_lines=fm.key_lines, item_lines=fm.item_lines, broken=bool(fatal))
    module.search_text = fold(f"{module.title} {module.summary}")
    return ParsedFile(display, rel, module, problems)


# --- links in the body --------------------------------------------------------------------------

_INLINE = re.compile(r"(!?)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_RAW = re.compile(r"<(img|a)\b[^>]*?\s(src|href)\s*=\s*[\"']([^\"']*)[\"']", re.I)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"`[^`]*`")


@dataclass(frozen=True)
class Link:
    target: str
    line: int
    is_image: bool


def find_links(module: Module) -> list[Link]:
    """Every link and image target in the body, with its file line; code blocks are skipped."""
    links, fence = [], None
    for index, line in enumerate(module.body.split("\n")):
        file_line = module.body_line + index
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1) == fence:
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        line = _CODE_SPAN.sub("", line)
        for bang, target in _INLINE.findall(line):
            links.append(Link(target, file_line, bang == "!"))
        ref = _REFERENCE.match(line)
        if ref:
            links.append(Link(ref.group(1), file_line, False))
        for tag, _attr, target in _RAW.findall(line):
            links.append(Link(target, file_line, tag.lower() == "img"))
    return links
