"""Moodle GIFT ↔ quiz YAML: import questions from Moodle, export them back.

Supported: multiple choice (=right ~wrong), multiple answer with weights (~%50%a ~%-100%b: correct
when the weight is above 0), true/false ({T} {F} {TRUE} {FALSE} with #wrong#right feedback),
numeric ({#5:0.5} and the range {#1..3}), per-answer feedback (#...), general feedback (####...),
comments (// lines), question titles (::title::), escapes (\\= \\~ \\# \\{ \\} \\: \\n).
matching (=left -> right → `match`) and short answer (only '=' answers → `text`).
Anything else (essay, description only ...) is a problem with its line: nothing is dropped silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ESCAPES = {"\\\\": "\ue006", "\\=": "\ue000", "\\~": "\ue001", "\\#": "\ue002", "\\{": "\ue003",
           "\\}": "\ue004", "\\:": "\ue005", "\\n": "\n"}
RESTORE = {"\ue006": "\\", "\ue000": "=", "\ue001": "~", "\ue002": "#", "\ue003": "{", "\ue004": "}",
           "\ue005": ":"}
_FORMAT = re.compile(r"^\s*\[(markdown|html|plain|moodle)\]\s*", re.I)
_ESCAPE_RE = re.compile(r"\\[\\=~#{}:n]")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_ID = re.compile(r"[^a-z0-9_.-]+")


class GiftError(ValueError):
    """Problems found in a GIFT file: a list of (line, message)."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(f"{line}: {message}" for line, message in problems))
        self.problems = problems


def _protect(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: ESCAPES[m.group(0)], text)


def _restore(text: str) -> str:
    for placeholder, char in RESTORE.items():
        text = text.replace(placeholder, char)
    return text.strip()


def _clean(text: str) -> str:
    """Protected text back to plain text: escapes restored, line breaks inside a line joined.

    Moodle's format markers ([html], [moodle], [plain], [markdown]) may start a question text, an
    answer or a feedback; they are dropped (HTML is sanitised when the quiz is shown).
    """
    text = _FORMAT.sub("", text)
    lines = [line.strip() for line in _restore(text).split("\n")]
    return re.sub(r"[ \t]+", " ", "\n".join(lines)).strip()


@dataclass
class _Block:
    line: int
    text: str


def _blocks(source: str) -> list[_Block]:
    """Questions are separated by blank lines; comment and $CATEGORY lines are skipped."""
    blocks, current, start = [], [], 0
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("//") or stripped.startswith("$CATEGORY"):
            continue
        if not stripped:
            if current:
                blocks.append(_Block(start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append(_Block(start, "\n".join(current)))
    return blocks


def parse_gift(source: str) -> tuple[list[dict], list[tuple[int, str]]]:
    """GIFT text → (questions as quiz-YAML dicts, problems as (line, message))."""
    if source.startswith("\ufeff"):
        source = source[1:]
    questions, problems, ids = [], [], set()
    for block in _blocks(source):
        try:
            question = _parse_block(block)
        except GiftError as exc:
            problems.extend(exc.problems)
            continue
        base = question.pop("_title_id", None) or f"q{len(questions) + 1}"
        qid, n = base, 2
        while qid in ids:
            qid, n = f"{base}-{n}", n + 1
        ids.add(qid)
        questions.append({"id": qid, **question})
    return questions, problems


def _parse_block(block: _Block) -> dict:
    def fail(message):
        raise GiftError([(block.line, message)])

    text = _protect(block.text).strip()
    title = None
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            fail("titel zonder afsluitende '::'")
        title, text = _clean(text[2:end]), text[end + 2:].strip()
    open_at = text.find("{")
    if open_at < 0:
        fail("een beschrijving zonder antwoorden (geen {…}) wordt niet ondersteund")
    close_at = text.find("}", open_at)
    if close_at < 0:
        fail("antwoordblok zonder afsluitende '}'")
    if "{" in text[close_at + 1:]:
        fail("meer dan één antwoordblok in een vraag wordt niet ondersteund")
    before, content, after = text[:open_at], text[open_at + 1:close_at], text[close_at + 1:]
    before = _FORMAT.sub("", before)
    question_text = _clean(before)
    if after.strip():  # "missing word": the blank goes where the answers were
        question_text = f"{question_text} … {_clean(after)}".strip()
    if not question_text:
        fail("vraagtekst ontbreekt")
    explanation = ""
    if "####" in content:
        content, general = content.split("####", 1)
        explanation = _clean(general)
    result = {"_title_id": _id_from_title(title) if title else None}
    body = content.strip()
    if not body:
        fail("open vraag (essay, {}) wordt niet ondersteund")
    if "->" in body:
        result.update(_matching(body, fail))
    elif body.startswith("#"):
        result.update(_numeric(body[1:], fail))
    elif re.fullmatch(r"(?i)(t|f|true|false)\s*(#.*)?", body, re.S):
        parts = body.split("#")
        result["type"] = "truefalse"
        result["answer"] = parts[0].strip().upper() in ("T", "TRUE")
        result["text"] = question_text
        wrong, right = (_clean(parts[1]) if len(parts) > 1 else ""), (_clean(parts[2]) if len(parts) > 2 else "")
        if len(parts) > 3:
            fail("te veel '#'-feedback bij juist/onjuist")
        if right:
            result["feedback_right"] = right
        if wrong:
            result["feedback_wrong"] = wrong
    else:
        result.update(_choice(body, fail))
    result["text"] = question_text
    ordered = {"_title_id": result.pop("_title_id"), "type": result.pop("type"), "text": result.pop("text")}
    ordered.update(result)
    if explanation:
        ordered["explanation"] = explanation
    return ordered


def _numeric(body: str, fail) -> dict:
    """{#5:0.5#right}, {#1..3}, {#=5:0.5#right}, and a catch-all wrong feedback {#3:2~#wrong}."""
    main, *others = body.split("~")
    feedback_wrong = ""
    for other in others:
        if not other.strip().startswith("#"):
            fail("numerieke vraag met meerdere antwoorden of deelpunten wordt niet ondersteund")
        feedback_wrong = _clean(other.strip()[1:])
    main = main.strip()
    if main.startswith("="):
        main = main[1:]
    if re.search(r"[=~]", main):
        fail("numerieke vraag met meerdere antwoorden of deelpunten wordt niet ondersteund")
    value, _, feedback = main.partition("#")
    value = value.strip()
    range_match = re.fullmatch(r"(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)", value)
    tolerance_match = re.fullmatch(r"(-?\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?", value)
    if range_match:
        low, high = sorted((float(range_match.group(1)), float(range_match.group(2))))
        answer, tolerance = (low + high) / 2, (high - low) / 2
    elif tolerance_match:
        answer, tolerance = float(tolerance_match.group(1)), float(tolerance_match.group(2) or 0)
    else:
        fail(f"numeriek antwoord '{_restore(value)}' niet begrepen (verwacht bijvoorbeeld #5:0.5 of #1..3)")
    result = {"type": "numeric", "answer": _plain_number(answer)}
    if tolerance:
        result["tolerance"] = _plain_number(tolerance)
    if feedback.strip():
        result["feedback_right"] = _clean(feedback)
    if feedback_wrong:
        result["feedback_wrong"] = feedback_wrong
    return result


def _plain_number(value: float):
    return int(value) if float(value).is_integer() else value


def _choice(body: str, fail) -> dict:
    items = re.split(r"([=~])", body)  # like Moodle: every unescaped = or ~ starts an answer
    if items[0].strip():
        fail(f"tekst '{_clean(items[0])[:40]}' vóór het eerste '=' of '~' niet begrepen")
    options, weighted, rights, wrongs = [], False, 0, 0
    for marker, raw in zip(items[1::2], items[2::2]):
        raw = raw.strip()
        weight = None
        match = _WEIGHT.match(raw)
        if match:
            weight, raw = float(match.group(1)), raw[match.end():].strip()
        text, _, feedback = raw.partition("#")
        if not _clean(text):
            fail("een antwoord zonder tekst")
        if marker == "=":
            rights += 1
            correct = weight is None or weight > 0
        else:
            wrongs += 1
            if weight is not None:
                weighted = True
            correct = weight is not None and weight > 0
        option = {"text": _clean(text), "correct": correct}
        if feedback.strip():
            option["feedback"] = _clean(feedback)
        options.append(option)
    if not options:
        fail("geen antwoorden gevonden")
    if wrongs == 0:   # short answer: every '=' answer is accepted (Moodle's weights above 0 too)
        accept = [o["text"] for o in options if o["correct"]]
        if not accept:
            fail("kort-antwoordvraag zonder goed antwoord")
        return {"type": "text", "accept": accept}
    n_correct = sum(o["correct"] for o in options)
    qtype = "multiple" if weighted or n_correct != 1 else "single"
    if n_correct == 0:
        fail("geen enkel antwoord is goed (geen '=' en geen positief gewicht)")
    return {"type": qtype, "options": options}


def _matching(body: str, fail) -> dict:
    pairs = []
    for raw in re.split(r"=", body)[1:]:
        left, arrow, right = raw.partition("->")
        if not arrow or not _clean(left) or not _clean(right):
            fail("koppelvraag: elk paar is '=links -> rechts'")
        pairs.append({"left": _clean(left), "right": _clean(right)})
    if re.split(r"=", body)[0].strip():
        fail("koppelvraag: tekst vóór het eerste '=' niet begrepen")
    if len(pairs) < 2:
        fail("koppelvraag met minder dan twee paren")
    return {"type": "match", "pairs": pairs}


def _id_from_title(title: str) -> str | None:
    slug = _ID.sub("-", title.strip().lower()).strip("-.")[:60]
    return slug or None


# ---------------------------------------------------------------- export

def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _number(value) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def to_gift(quiz) -> tuple[str, list[str]]:
    """A Quiz (from the loader) → (GIFT text, warnings about what GIFT cannot hold)."""
    out = [f"// {quiz.title} ({quiz.slug}) — uit Paraat", ""]
    warnings = []
    for q in quiz.questions:
        if q.type == "order":
            warnings.append(f"vraag {q.id}: een volgordevraag bestaat niet in GIFT; niet geëxporteerd")
            out += [f"// vraag {q.id} (volgorde) kan niet in GIFT en is overgeslagen", ""]
            continue
        lines = [f"::{_escape(q.id)}::[markdown]{_escape(q.text)} {{"]
        if q.type == "single":
            for o in q.options:
                lines.append(("=" if o.correct else "~") + _escape(o.text) + (f"#{_escape(o.feedback)}" if o.feedback else ""))
        elif q.type == "multiple":
            right = sum(o.correct for o in q.options)
            share = _number(round(100 / right, 5))
            for o in q.options:
                weight = share if o.correct else "-100"
                lines.append(f"~%{weight}%" + _escape(o.text) + (f"#{_escape(o.feedback)}" if o.feedback else ""))
        elif q.type == "truefalse":
            value = "TRUE" if q.answer else "FALSE"
            if q.feedback_right or q.feedback_wrong:
                value += f"#{_escape(q.feedback_wrong)}"
                if q.feedback_right:
                    value += f"#{_escape(q.feedback_right)}"
            lines.append(value)
        elif q.type == "match":
            lines += [f"={_escape(left)} -> {_escape(right)}" for left, right in q.pairs]
        elif q.type == "text":
            lines += [f"={_escape(answer)}" for answer in q.accept]
        elif q.type == "numeric":
            value = "#" + _number(q.answer) + (f":{_number(q.tolerance)}" if q.tolerance else "")
            if q.feedback_right:
                value += f"#{_escape(q.feedback_right)}"
            if q.feedback_wrong:   # Moodle's catch-all: shown for any answer outside the range
                value += f"~#{_escape(q.feedback_wrong)}"
            lines.append(value)
        if q.explanation:
            lines.append(f"####{_escape(q.explanation)}")
        lines.append("}")
        out += lines + [""]
    return "\n".join(out), warnings
