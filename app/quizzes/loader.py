"""Read quizzes/**/*.yaml into Quiz objects; every problem is named with its file and line.

A file with any problem is left out (learners get a 404 for it, authors see the problem); the
other quizzes keep working. Parsed files are cached by modification time.
"""
from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.content.safety import find_alias, scan

TYPES = ("single", "multiple", "truefalse", "numeric", "order", "match", "text")
OPTION_TYPES = ("single", "multiple", "order")
MIN_OPTIONS, MAX_OPTIONS = 2, 8
MAX_HINTS = 3
MIN_PAIRS, MAX_PAIRS = 2, 8
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RESERVED_SLUGS = {"review"}     # /quizzes/review is the review session
ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")


@dataclass(frozen=True)
class Option:
    index: int              # position in the YAML file: the stable id used in forms and answers
    text: str
    correct: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    options: tuple[Option, ...] = ()
    answer: bool | float | None = None      # truefalse: bool; numeric: number
    tolerance: float = 0.0
    explanation: str = ""
    feedback_right: str = ""                # truefalse/numeric/match/text: shown after a right answer
    feedback_wrong: str = ""                # truefalse/numeric/match/text: shown after a wrong answer
    hints: tuple[str, ...] = ()             # interactive mode: one hint per wrong try, then the feedback
    pairs: tuple[tuple[str, str], ...] = () # match: (left, right) in the right combination
    accept: tuple[str, ...] = ()            # text: the accepted answers (the first is shown as the answer)
    line: int = 0

    @property
    def rights(self) -> tuple[str, ...]:
        """match: the right-hand choices, each once, in file order."""
        return tuple(dict.fromkeys(right for _left, right in self.pairs))


@dataclass(frozen=True)
class Quiz:
    slug: str
    title: str
    questions: tuple[Question, ...]
    competencies: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    description: str = ""
    source: str = ""        # where the questions come from (policy paragraph, course); end screen
    certainty: bool = False  # ask "Hoe zeker ben je?" with every answer
    path: str = ""
    # Lines of the codes, for `content check` messages about unknown codes.
    code_lines: dict = field(default_factory=dict, compare=False, hash=False)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass
class QuizSet:
    """Every quiz file read: the good quizzes by slug and the problems of the others."""

    quizzes: dict[str, Quiz]
    problems: list[tuple[str, int, str]]
    broken_slugs: set[str]


class _Lines(dict):
    """A YAML mapping that remembers its own line and the line of each key's value."""

    line = 0
    lines: dict


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    data = _Lines()
    data.line = node.start_mark.line + 1
    data.lines = {}
    seen = {}
    yield data
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, str) and key in seen:
            loader.duplicates.append((key_node.start_mark.line + 1, key))
        seen[key] = True
        data[key] = loader.construct_object(value_node, deep=True)
        data.lines[key] = key_node.start_mark.line + 1
    # Items of a list keep their own line too (scalars cannot carry one).
    for key_node, value_node in node.value:
        if isinstance(value_node, yaml.SequenceNode):
            data.lines[f"{key_node.value}[]"] = [item.start_mark.line + 1 for item in value_node.value]


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def parse_file(path: Path) -> tuple[Quiz | None, list[tuple[str, int, str]]]:
    """Parse and check one quiz file: (quiz or None, problems). A quiz is only returned without problems."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [(name, 0, f"bestand niet te lezen: {exc}")]
    alias = find_alias(text)
    if alias is not None:
        return None, [(name, alias[0] + 1, alias[1])]
    loader = _LineLoader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        if exc.context:
            problem = f"{exc.context}, {problem}"
        return None, [(name, mark.line + 1 if mark else 0, f"YAML-fout: {problem}")]
    except yaml.YAMLError as exc:
        return None, [(name, 0, f"YAML-fout: {exc}")]
    finally:
        loader.dispose()
    problems = [(name, line, f"veld '{key}' staat er twee keer") for line, key in loader.duplicates]
    if not isinstance(data, _Lines):
        return None, problems + [(name, 1, "een oefentoets is een lijst van velden (slug, title, questions)")]
    quiz = _build_quiz(name, data, problems)
    return (quiz if not problems else None), problems


def _text(value) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, str)):
        return str(value).strip()
    return None


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _codes(value) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value]
    return None


def _build_quiz(name: str, data: _Lines, problems: list) -> Quiz | None:
    def problem(line, message):
        problems.append((name, line, message))

    slug, title = _text(data.get("slug")), _text(data.get("title"))
    if not slug:
        problem(data.line, "'slug' ontbreekt")
    elif slug in RESERVED_SLUGS:
        problem(data.lines.get("slug", data.line), f"slug '{slug}' is gereserveerd; kies een andere")
    elif not SLUG_RE.match(slug):
        problem(data.lines.get("slug", data.line),
                f"slug '{slug}' mag alleen kleine letters, cijfers en streepjes bevatten")
    if not title:
        problem(data.line, "'title' ontbreekt")
    code_lines = {}
    for key in ("competencies", "functions"):
        codes = _codes(data.get(key))
        if codes is None:
            problem(data.lines.get(key, data.line), f"'{key}' moet een lijst van codes zijn, zoals [crisisdiagnose]")
        else:
            code_lines[key] = list(zip(codes, data.lines.get(f"{key}[]", [data.lines.get(key, data.line)] * len(codes))))
    if data.get("source") is not None and not _text(data.get("source")):
        problem(data.lines.get("source", data.line), "'source' moet een tekst zijn, zoals \"OTO-beleidsplan, §4.4\"")
    certainty = data.get("certainty", False)
    if not isinstance(certainty, bool):
        problem(data.lines.get("certainty", data.line), "'certainty' moet true of false zijn")
    raw_questions = data.get("questions")
    questions = []
    if not isinstance(raw_questions, list) or not raw_questions:
        problem(data.lines.get("questions", data.line), "'questions' ontbreekt of is leeg")
        raw_questions = []
    item_lines = data.lines.get("questions[]", [])
    seen_ids: dict[str, int] = {}
    for number, raw in enumerate(raw_questions, start=1):
        line = item_lines[number - 1] if number - 1 < len(item_lines) else data.line
        if not isinstance(raw, _Lines):
            problem(line, f"vraag {number} is geen lijst van velden (id, type, text ...)")
            continue
        question = _build_question(raw, number, problem)
        if question is None:
            continue
        if question.id in seen_ids:
            problem(raw.lines.get("id", raw.line),
                    f"vraag-id '{question.id}' komt twee keer voor (eerder op regel {seen_ids[question.id]})")
            continue
        seen_ids[question.id] = raw.lines.get("id", raw.line)
        questions.append(question)
    if problems:
        return None
    return Quiz(slug=slug, title=title, questions=tuple(questions),
                competencies=tuple(c for c, _ in code_lines.get("competencies", [])),
                functions=tuple(c for c, _ in code_lines.get("functions", [])),
                description=_text(data.get("description")) or "", source=_text(data.get("source")) or "",
                certainty=certainty,
                path=name, code_lines=code_lines)


def _build_question(raw: _Lines, number: int, problem) -> Question | None:
    errors: list[tuple[int, str]] = []

    def bad(line, message):
        errors.append((line, message))

    qid = _text(raw.get("id"))
    label = f"vraag {number}" + (f" ({qid})" if qid else "")
    if not qid:
        bad(raw.line, f"vraag {number}: 'id' ontbreekt (een vaste id houdt de antwoorden bij na wijzigingen)")
    elif not ID_RE.match(qid):
        bad(raw.lines.get("id", raw.line), f"{label}: id mag alleen letters, cijfers, '-', '_' en '.' bevatten")
    qtype = raw.get("type")
    if qtype not in TYPES:
        bad(raw.lines.get("type", raw.line),
            f"{label}: type '{qtype}' onbekend; kies uit {', '.join(TYPES)}")
    text = _text(raw.get("text"))
    if not text:
        bad(raw.lines.get("text", raw.line), f"{label}: 'text' ontbreekt")
    options: list[Option] = []
    pairs: list[tuple[str, str]] = []
    accepted: list[str] = []
    answer, tolerance = None, 0.0
    if qtype in OPTION_TYPES:
        raw_options = raw.get("options")
        option_lines = raw.lines.get("options[]", [])
        if not isinstance(raw_options, list):
            bad(raw.lines.get("options", raw.line), f"{label}: 'options' ontbreekt")
            raw_options = []
        elif not MIN_OPTIONS <= len(raw_options) <= MAX_OPTIONS:
            bad(raw.lines.get("options", raw.line),
                f"{label}: {len(raw_options)} opties; een vraag heeft er 2 tot en met 8")
        for index, opt in enumerate(raw_options):
            line = option_lines[index] if index < len(option_lines) else raw.line
            if isinstance(opt, str):
                opt_text, correct, feedback = opt.strip(), False, ""
            elif isinstance(opt, _Lines):
                opt_text = _text(opt.get("text"))
                correct = opt.get("correct", False)
                feedback = _text(opt.get("feedback")) or ""
                if not isinstance(correct, bool):
                    bad(opt.lines.get("correct", line), f"{label}, optie {index + 1}: 'correct' moet true of false zijn")
                    correct = False
            else:
                bad(line, f"{label}, optie {index + 1}: verwacht 'text:' (en eventueel 'correct:' en 'feedback:')")
                continue
            if not opt_text:
                bad(line, f"{label}, optie {index + 1}: 'text' ontbreekt")
                continue
            options.append(Option(index=index, text=opt_text, correct=correct, feedback=feedback))
        n_correct = sum(o.correct for o in options)
        if qtype == "single" and options and n_correct != 1:
            bad(raw.lines.get("options", raw.line),
                f"{label}: een 'single'-vraag heeft precies één juiste optie (nu {n_correct})")
        if qtype == "multiple" and options and n_correct < 1:
            bad(raw.lines.get("options", raw.line), f"{label}: een 'multiple'-vraag heeft minstens één juiste optie")
        if qtype == "order" and len({o.text for o in options}) != len(options):
            bad(raw.lines.get("options", raw.line), f"{label}: in een 'order'-vraag is elke optie anders")
    elif qtype == "match":
        raw_pairs = raw.get("pairs")
        pair_lines = raw.lines.get("pairs[]", [])
        if not isinstance(raw_pairs, list) or not MIN_PAIRS <= len(raw_pairs) <= MAX_PAIRS:
            bad(raw.lines.get("pairs", raw.line),
                f"{label}: 'pairs' is een lijst van 2 tot en met 8 paren, zoals {{left: GRIP 1, right: CoPI}}")
            raw_pairs = []
        for index, pair in enumerate(raw_pairs):
            line = pair_lines[index] if index < len(pair_lines) else raw.line
            left = _text(pair.get("left")) if isinstance(pair, dict) else None
            right = _text(pair.get("right")) if isinstance(pair, dict) else None
            if not left or not right:
                bad(line, f"{label}, paar {index + 1}: 'left' en 'right' zijn allebei nodig")
                continue
            pairs.append((left, right))
        if len({left for left, _ in pairs}) != len(pairs):
            bad(raw.lines.get("pairs", raw.line), f"{label}: elke 'left' in een 'match'-vraag is anders")
    elif qtype == "text":
        accept = raw.get("accept")
        if isinstance(accept, (str, int, float)) and not isinstance(accept, bool):
            accept = [accept]
        if not isinstance(accept, list) or not accept or not all(_text(a) for a in accept):
            bad(raw.lines.get("accept", raw.line),
                f"{label}: 'accept' is een lijst van goede antwoorden, zoals [LCMS]")
            accept = []
        accepted = [_text(a) for a in accept]
    elif qtype == "truefalse":
        answer = raw.get("answer")
        if not isinstance(answer, bool):
            bad(raw.lines.get("answer", raw.line), f"{label}: 'answer' moet true of false zijn")
    elif qtype == "numeric":
        if "answer" not in raw or _number(raw.get("answer")) is None:
            bad(raw.lines.get("answer", raw.line), f"{label}: 'answer' (een getal) ontbreekt")
        else:
            answer = _number(raw.get("answer"))
        if raw.get("tolerance") is not None:
            tolerance = _number(raw.get("tolerance"))
            if tolerance is None or tolerance < 0:
                bad(raw.lines.get("tolerance", raw.line), f"{label}: 'tolerance' moet een getal van 0 of meer zijn")
                tolerance = 0.0
    hints = raw.get("hints")
    if hints is None:
        hints = []
    elif isinstance(hints, str):
        hints = [hints]
    if not isinstance(hints, list) or not all(_text(h) for h in hints):
        bad(raw.lines.get("hints", raw.line), f"{label}: 'hints' is een lijst van teksten, één per extra poging")
        hints = []
    elif len(hints) > MAX_HINTS:
        bad(raw.lines.get("hints", raw.line), f"{label}: {len(hints)} hints; hooguit {MAX_HINTS}")
    for line, message in errors:
        problem(line, message)
    if errors:
        return None
    return Question(id=qid, type=qtype, text=text, options=tuple(options), answer=answer,
                    tolerance=tolerance or 0.0, explanation=_text(raw.get("explanation")) or "",
                    feedback_right=_text(raw.get("feedback_right")) or "",
                    feedback_wrong=_text(raw.get("feedback_wrong")) or "",
                    hints=tuple(_text(h) for h in hints), pairs=tuple(pairs), accept=tuple(accepted),
                    line=raw.line)


def load_dir(directory: str | Path) -> QuizSet:
    """Read every quiz file under `directory`; duplicate slugs leave both files out."""
    # The real folder (QUIZ_DIR may be a deployment's link); symlinks inside it are never followed.
    root = Path(directory).resolve()
    return _load(scan(str(root), (".yaml", ".yml")))


def _load(stats) -> QuizSet:
    files = [Path(path) for path, _mtime, _size in stats]
    quizzes: dict[str, Quiz] = {}
    problems: list[tuple[str, int, str]] = []
    broken: set[str] = set()
    first_file: dict[str, str] = {}
    for path in files:
        quiz, file_problems = _cached_parse(path)
        problems.extend(file_problems)
        if quiz is None:
            slug = _slug_guess(path)
            if slug:
                broken.add(slug)
            continue
        if quiz.slug in first_file:
            problems.append((str(path), 1, f"slug '{quiz.slug}' wordt ook gebruikt in {first_file[quiz.slug]}"))
            quizzes.pop(quiz.slug, None)
            broken.add(quiz.slug)
            continue
        first_file[quiz.slug] = str(path)
        quizzes[quiz.slug] = quiz
    return QuizSet(dict(sorted(quizzes.items(), key=lambda kv: kv[1].title.lower())), problems, broken)


_cache: dict[str, tuple[float, int, Quiz | None, list]] = {}
_lock = threading.Lock()


def _cached_parse(path: Path):
    try:
        stat = path.stat()
    except OSError as exc:
        return None, [(str(path), 0, f"bestand niet te lezen: {exc}")]
    key = str(path)
    with _lock:
        hit = _cache.get(key)
    if hit and hit[0] == stat.st_mtime and hit[1] == stat.st_size:
        return hit[2], hit[3]
    quiz, problems = parse_file(path)
    with _lock:
        _cache[key] = (stat.st_mtime, stat.st_size, quiz, problems)
    return quiz, problems


def _slug_guess(path: Path) -> str | None:
    """The slug a broken file meant to have (its `slug:` line, else its name): for a friendly 404."""
    try:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = re.match(r"^slug:\s*['\"]?([a-z0-9-]+)", line)
            if match:
                return match.group(1)
    except OSError:
        pass
    return path.stem


_sets: dict[str, tuple[tuple, QuizSet]] = {}   # folder -> (its files' paths, mtimes, sizes; their QuizSet)


def quiz_set() -> QuizSet:
    """The quizzes of the app's QUIZ_DIR: the folder is listed on every call (a file changed a moment
    ago counts at once), the set is built again only when a file was added, removed or changed."""
    from flask import current_app
    root = str(Path(current_app.config["QUIZ_DIR"]).resolve())
    stats = tuple(scan(root, (".yaml", ".yml")))
    with _lock:
        hit = _sets.get(root)
    if hit is not None and hit[0] == stats:
        return hit[1]
    found = _load(stats)
    with _lock:
        _sets[root] = (stats, found)
    return found


def get_quiz(slug: str) -> Quiz | None:
    return quiz_set().quizzes.get(slug)


def is_broken(slug: str) -> bool:
    return slug in quiz_set().broken_slugs
