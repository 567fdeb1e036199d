"""The parsed catalogue of modules, cached per app and re-read only when files change.

A page view never parses markdown: the store stats the content tree (at most every
CONTENT_RECHECK_SECONDS) and re-parses only files whose mtime or size changed. Module HTML is
rendered once per catalogue version, on first view.
"""
from __future__ import annotations

import html as html_lib
import posixpath
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from flask import Flask, current_app, url_for
from markupsafe import Markup

from app.content.modules import IMAGE_EXTENSIONS, Module, ParsedFile, parse_file
from app.content.problems import Problem, display_path
from app.content.safety import inside, scan

_QUIZ_SLUG = re.compile(r"^slug:\s*[\"']?([^\s\"'#]+)", re.M)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_LEARN_LINK = re.compile(r"^/learn/([^/?#]+)/?(?:[?#].*)?$")


@dataclass(frozen=True)
class Vocabulary:
    """Codes a module or quiz may use: the database's once seeded, else the ten crisis competencies
    and the function codes of Twente's norms (e.g. for the pre-commit hook, which has no database)."""

    competencies: frozenset
    functions: frozenset


def load_vocabulary() -> Vocabulary:
    from sqlalchemy.exc import SQLAlchemyError

    from app.competencies import CRISIS_COMPETENCY_CODES
    from app.extensions import db
    from app.models import Competency, Function
    from app.norms.loader import twente_function_codes
    competencies = functions = frozenset()
    try:
        competencies = frozenset(db.session.scalars(db.select(Competency.code).distinct()).all())
        functions = frozenset(db.session.scalars(db.select(Function.code).distinct()).all())
    except SQLAlchemyError:  # no tables yet (fresh database): fall back to the defaults
        db.session.rollback()
    return Vocabulary(competencies or frozenset(CRISIS_COMPETENCY_CODES), functions or twente_function_codes())


def quiz_files(quiz_dir: Path) -> tuple:
    """(path, mtime_ns, size) of every quiz file: cheap to compare between requests."""
    return tuple(scan(str(quiz_dir), (".yaml", ".yml")))


def quiz_slugs(files: tuple) -> frozenset:
    """Slugs declared by quiz files (their top-level `slug:` line; else the file name)."""
    slugs = set()
    for path, _mtime, _size in files:
        try:
            match = _QUIZ_SLUG.search(Path(path).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        slugs.add(match.group(1) if match else Path(path).stem)
    return frozenset(slugs)


@dataclass
class Catalogue:
    """One consistent version of the content: valid modules, and every problem found."""

    root: Path
    files: list[ParsedFile]
    modules: dict[str, Module]                 # slug -> module (published or not), broken ones left out
    problems: list[Problem]
    quiz_slugs: frozenset
    version: int = 0
    by_rel: dict[str, Module] = field(default_factory=dict)
    published: list[Module] = field(default_factory=list)   # sorted by title
    by_competency: dict[str, list[Module]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    _html: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.by_rel = {m.rel: m for m in self.modules.values()}
        self.published = sorted((m for m in self.modules.values() if m.published),
                                key=lambda m: (m.title.casefold(), m.slug))
        for module in self.published:
            for code in module.competencies:
                self.by_competency.setdefault(code, []).append(module)
        self.tags = sorted({t for m in self.published for t in m.tags}, key=str.casefold)

    def get(self, slug: str, include_unpublished: bool = False) -> Module | None:
        module = self.modules.get(slug)
        if module is None or (not module.published and not include_unpublished):
            return None
        return module

    def problems_for(self, display: str) -> list[Problem]:
        return [p for p in self.problems if p.path == display]

    def html(self, module: Module) -> Markup:
        """The module's sanitised HTML, rendered once per catalogue version (needs a request context)."""
        cached = self._html.get(module.slug)
        if cached is None:
            cached = self._html[module.slug] = render_module(self, module)
        return cached


# --- validation across modules ------------------------------------------------------------------

def _check_links(catalogue: Catalogue, module: Module) -> list[Problem]:
    problems = []
    root = catalogue.root
    folder = posixpath.dirname(module.rel)
    for link in module.links:
        target = link.target.strip()
        what = "afbeelding" if link.is_image else "link"
        if not target or target.startswith("#"):
            if not target:
                problems.append(Problem(module.display, link.line, f"{what} zonder doel"))
            continue
        scheme = _SCHEME.match(target)
        if scheme or target.startswith("//"):
            name = scheme.group(1).lower() if scheme else "https"
            if link.is_image:
                problems.append(Problem(module.display, link.line,
                                        f"afbeelding {target} komt niet uit de map van de module; "
                                        "zet het bestand naast de module"))
            elif name not in ("http", "https", "mailto"):
                problems.append(Problem(module.display, link.line,
                                        f"link met '{name}:' wordt verwijderd; gebruik http(s), mailto of "
                                        "een relatief pad"))
            continue
        if target.startswith("/"):
            learn = _LEARN_LINK.match(target)
            if learn and learn.group(1) != "media":
                slug = unquote(learn.group(1))
                if slug not in catalogue.modules:
                    problems.append(Problem(module.display, link.line, f"link naar onbekende module '{slug}'"))
                elif not catalogue.modules[slug].published and module.published:
                    problems.append(Problem(module.display, link.line,
                                            f"link naar module '{slug}' die niet gepubliceerd is"))
            elif target.startswith("/learn/media/"):
                rel = unquote(target[len("/learn/media/"):].split("#")[0].split("?")[0])
                if inside(root, rel) is None:
                    problems.append(Problem(module.display, link.line, f"{what} niet gevonden: {target}"))
            elif link.is_image:
                problems.append(Problem(module.display, link.line,
                                        f"afbeelding {target} komt niet uit de map van de module"))
            continue
        path = unquote(target.split("#")[0].split("?")[0])
        if not path:
            continue
        rel = posixpath.normpath(posixpath.join(folder, path))
        if rel.startswith("../") or rel == "..":
            problems.append(Problem(module.display, link.line, f"{what} {target} wijst buiten de contentmap"))
            continue
        if inside(root, rel) is None:
            problems.append(Problem(module.display, link.line, f"{what} niet gevonden: {target}"))
            continue
        is_image_file = rel.lower().endswith(IMAGE_EXTENSIONS)
        if link.is_image and not is_image_file:
            problems.append(Problem(module.display, link.line,
                                    f"{target} is geen afbeelding (toegestaan: {', '.join(IMAGE_EXTENSIONS)})"))
        elif not link.is_image and not is_image_file:
            if not rel.endswith(".md"):
                problems.append(Problem(module.display, link.line,
                                        f"link naar {target}: alleen andere modules (.md) en afbeeldingen "
                                        "kunnen worden gelinkt"))
            elif rel not in catalogue.by_rel:
                problems.append(Problem(module.display, link.line,
                                        f"link naar {target}: die module heeft problemen en staat niet in de "
                                        "catalogus"))
    return problems


def build(root: Path, parsed: list[ParsedFile], vocabulary: Vocabulary, quizzes: frozenset,
          version: int = 0) -> Catalogue:
    """Combine parsed files into a catalogue: duplicate slugs, codes, quizzes and links checked."""
    modules: dict[str, Module] = {}
    problems: list[Problem] = []
    checked: list[Module] = []
    seen: dict[str, Module] = {}
    for item in parsed:
        problems.extend(item.problems)
        module = item.module
        if module is None:
            continue
        checked.append(module)
        first = seen.get(module.slug)
        if first is not None:
            problems.append(Problem(module.display, module.key_lines.get("slug", 1),
                                    f"slug '{module.slug}' komt al voor in {first.display}"))
            if module.slug in modules:
                item.duplicate = True
                continue
        else:
            seen[module.slug] = module
        if not module.broken:
            modules[module.slug] = module
    catalogue = Catalogue(root=root, files=parsed, modules=modules, problems=problems,
                          quiz_slugs=quizzes, version=version)
    for module in checked:
        for index, code in enumerate(module.competencies):
            if code not in vocabulary.competencies:
                problems.append(Problem(module.display, module.line_of("competencies", index),
                                        f"onbekende competentie '{code}'"))
        for index, code in enumerate(module.functions):
            if code not in vocabulary.functions:
                problems.append(Problem(module.display, module.line_of("functions", index),
                                        f"onbekende functiecode '{code}'"))
        if module.quiz and module.quiz not in quizzes:
            problems.append(Problem(module.display, module.line_of("quiz"),
                                    f"oefentoets '{module.quiz}' bestaat niet in de map met oefentoetsen"))
        problems.extend(_check_links(catalogue, module))
    problems.sort(key=lambda p: (p.path, p.line, p.message))
    return catalogue


# --- rendering ----------------------------------------------------------------------------------

_IMG_SRC = re.compile(r'(<img\b[^>]*?\ssrc=")([^"]*)(")')
_A_HREF = re.compile(r'(<a\b[^>]*?\shref=")([^"]*)(")')


def _resolve(folder: str, value: str) -> tuple[str, str] | None:
    """A relative URL in the module -> (path inside CONTENT_DIR, fragment), or None if outside."""
    raw = html_lib.unescape(value)
    if not raw or raw.startswith(("#", "/")) or _SCHEME.match(raw):
        return None
    path, _, fragment = raw.partition("#")
    path = unquote(path.split("?")[0])
    rel = posixpath.normpath(posixpath.join(folder, path))
    if rel.startswith("..") or rel.startswith("/"):
        return "", ""
    return rel, fragment


def render_module(catalogue: Catalogue, module: Module) -> Markup:
    """Markdown -> sanitised HTML; relative images go to the media route, links to .md files to /learn."""
    from app.markdown import render
    html = str(render(module.body))
    folder = posixpath.dirname(module.rel)

    def image(match):
        resolved = _resolve(folder, match.group(2))
        if resolved is None:
            return match.group(0)
        rel, _ = resolved
        if not rel or not rel.lower().endswith(IMAGE_EXTENSIONS):
            return match.group(1) + match.group(3)  # drop a source outside the module folder
        return match.group(1) + html_lib.escape(url_for("learn.media", filename=rel)) + match.group(3)

    def link(match):
        resolved = _resolve(folder, match.group(2))
        if resolved is None:
            return match.group(0)
        rel, fragment = resolved
        suffix = f"#{fragment}" if fragment else ""
        if rel in catalogue.by_rel:
            url = url_for("learn.module", slug=catalogue.by_rel[rel].slug) + suffix
        elif rel.lower().endswith(IMAGE_EXTENSIONS):
            url = url_for("learn.media", filename=rel)
        else:
            return match.group(0)
        return match.group(1) + html_lib.escape(url) + match.group(3)

    html = _IMG_SRC.sub(image, html)
    html = _A_HREF.sub(link, html)
    # Wide tables scroll on their own on a 320 px screen instead of widening the page.
    html = html.replace("<table>", '<div class="table-scroll" tabindex="0"><table>').replace("</table>", "</table></div>")
    return Markup(html)


# --- the per-app store --------------------------------------------------------------------------

class ContentStore:
    """Holds the current catalogue of one app; `current()` refreshes it when files changed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._catalogue: Catalogue | None = None
        self._files: dict[str, tuple] = {}      # path -> (mtime_ns, size, ParsedFile)
        self._signature = None
        self._checked_at = 0.0
        self._version = 0

    def current(self, force: bool = False) -> Catalogue:
        app = current_app
        interval = float(app.config.get("CONTENT_RECHECK_SECONDS", 2.0))
        now = time.monotonic()
        if not force and self._catalogue is not None and now - self._checked_at < interval:
            return self._catalogue
        with self._lock:
            root = Path(app.config["CONTENT_DIR"]).resolve()
            quiz_dir = Path(app.config["QUIZ_DIR"]).resolve()
            stats = scan(str(root), (".md",))
            quiz_signature = quiz_files(quiz_dir)
            vocabulary = load_vocabulary()
            signature = (str(root), tuple(stats), quiz_signature, vocabulary)
            if signature != self._signature or self._catalogue is None:
                self._catalogue = self._rebuild(root, stats, quiz_slugs(quiz_signature), vocabulary)
                self._signature = signature
            self._checked_at = time.monotonic()
            return self._catalogue

    def _rebuild(self, root: Path, stats: list, quizzes: frozenset, vocabulary: Vocabulary) -> Catalogue:
        files, parsed = {}, []
        for path, mtime_ns, size in stats:
            cached = self._files.get(path)
            if cached and cached[0] == mtime_ns and cached[1] == size:
                item = cached[2]
                item = ParsedFile(item.display, item.rel, item.module, list(item.problems))
            else:
                item = parse_file(Path(path), root, display_path(path))
            files[path] = (mtime_ns, size, item)
            parsed.append(item)
        # Keep the pristine per-file results; build() may mark a duplicate as left out.
        self._files = {p: (m, s, ParsedFile(i.display, i.rel, i.module, list(i.problems)))
                       for p, (m, s, i) in files.items()}
        self._version += 1
        return build(root, parsed, vocabulary, quizzes, self._version)


def init_store(app: Flask) -> ContentStore:
    return app.extensions.setdefault("paraat_content_store", ContentStore())


def get_catalogue(force: bool = False) -> Catalogue:
    store = current_app.extensions.get("paraat_content_store")
    if store is None:
        store = init_store(current_app)
    return store.current(force=force)
