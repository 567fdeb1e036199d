"""Moodle XML ↔ quiz YAML: question banks from Moodle, and back.

Supported: multichoice (single and multiple), truefalse, numerical (with tolerance and a "*"
catch-all feedback), matching, shortanswer; per-answer feedback, general feedback (→ explanation),
hints, and embedded images (<file> elements, @@PLUGINFILE@@ links; image types only). Anything
else (essay, calculated, random, cloze ...) is a problem naming the question; nothing is dropped
silently. One file becomes one quiz: the last category in the file gives its default title.
Question text in HTML is kept as HTML (the quiz pages sanitise it like module text); markdown
and plain text are kept as they are. The export writes markdown, so a round trip is exact.
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".webp": "image/webp"}
SUPPORTED = ("multichoice", "truefalse", "numerical", "matching", "shortanswer")
_ID = re.compile(r"[^a-z0-9_.-]+")
_PARAGRAPH = re.compile(r"^\s*<p>(.*?)</p>\s*$", re.S | re.I)
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$")


class MoodleXmlError(ValueError):
    pass


@dataclass
class Converted:
    questions: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)     # "vraag 'naam': melding"
    files: dict[str, bytes] = field(default_factory=dict)  # image name → bytes, written beside the quiz
    title: str = ""


def _text(element: Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path) if path else element
    return (found.text or "").strip() if found is not None else ""


def _rich(element: Element | None, files: dict, slug: str) -> str:
    """A Moodle text block (questiontext, feedback ...) as quiz text; images collected in `files`."""
    if element is None:
        return ""
    text = _text(element)
    for file in element.findall("file"):
        name = file.get("name") or ""
        extension = name[name.rfind("."):].lower() if "." in name else ""
        if not _SAFE_NAME.match(name) or extension not in IMAGE_TYPES:
            raise MoodleXmlError(f"bestand '{name}' is geen afbeelding (alleen {', '.join(IMAGE_TYPES)})")
        try:
            files[name] = base64.b64decode((file.text or "").strip(), validate=True)
        except (binascii.Error, ValueError):
            raise MoodleXmlError(f"bestand '{name}' is geen geldige base64") from None
    # The images are written to QUIZ_DIR/<slug>/ and served by /quizzes/media/<slug>/<name>.
    text = text.replace("@@PLUGINFILE@@/", f"/quizzes/media/{slug}/")
    if (element.get("format") or "html") == "html":
        match = _PARAGRAPH.match(text)
        if match and "<p>" not in match.group(1).lower():
            text = match.group(1).strip()
    return text


def _fraction(answer: Element) -> float:
    try:
        return float(answer.get("fraction") or 0)
    except ValueError:
        raise MoodleXmlError(f"fraction '{answer.get('fraction')}' is geen getal") from None


def _number(value: str) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise MoodleXmlError(f"'{value}' is geen getal") from None
    return int(number) if number.is_integer() else number


def parse_moodle_xml(data: bytes, slug: str) -> Converted:
    """Moodle XML bytes → quiz questions (YAML dicts), problems per question, images, a title."""
    result = Converted()
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        result.problems.append(f"geen geldige Moodle XML: {exc}")
        return result
    if root.tag != "quiz":
        result.problems.append("geen Moodle XML: het bestand begint niet met <quiz>")
        return result
    ids: set[str] = set()
    for number, element in enumerate(root.findall("question"), start=1):
        kind = element.get("type") or ""
        name = _text(element.find("name")) or f"vraag {number}"
        if kind == "category":
            category = _text(element.find("category"))
            if category:
                result.title = category.rstrip("/").split("/")[-1].strip()
            continue
        if kind not in SUPPORTED:
            result.problems.append(f"vraag '{name}': type '{kind}' wordt niet ondersteund")
            continue
        try:
            question = _question(element, kind, result.files, slug)
        except MoodleXmlError as exc:
            result.problems.append(f"vraag '{name}': {exc}")
            continue
        base = _ID.sub("-", name.lower()).strip("-.")[:60] or f"q{number}"
        qid, n = base, 2
        while qid in ids:
            qid, n = f"{base}-{n}", n + 1
        ids.add(qid)
        result.questions.append({"id": qid, **question})
    if not result.questions and not result.problems:
        result.problems.append("geen vragen gevonden")
    return result


def _question(element: Element, kind: str, files: dict, slug: str) -> dict:
    text = _rich(element.find("questiontext"), files, slug)
    if not text:
        raise MoodleXmlError("vraagtekst ontbreekt")
    answers = element.findall("answer")
    question: dict = {}
    if kind == "multichoice":
        single = _text(element, "single").lower() in ("true", "1")
        fractions = [_fraction(a) for a in answers]
        best = max(fractions, default=0)
        options = []
        for answer, fraction in zip(answers, fractions):
            option = {"text": _rich(answer, files, slug),
                      "correct": (fraction == best and fraction > 0) if single else fraction > 0}
            feedback = _rich(answer.find("feedback"), files, slug)
            if feedback:
                option["feedback"] = feedback
            options.append(option)
        question = {"type": "single" if single else "multiple", "text": text, "options": options}
    elif kind == "truefalse":
        right = next((a for a in answers if _fraction(a) > 0), None)
        if right is None:
            raise MoodleXmlError("geen goed antwoord (fraction 100)")
        value = _text(right).lower()
        if value not in ("true", "false"):
            raise MoodleXmlError(f"antwoord '{value}' is niet true of false")
        question = {"type": "truefalse", "text": text, "answer": value == "true"}
        wrong = next((a for a in answers if a is not right), None)
        if _rich(right.find("feedback"), files, slug):
            question["feedback_right"] = _rich(right.find("feedback"), files, slug)
        if wrong is not None and _rich(wrong.find("feedback"), files, slug):
            question["feedback_wrong"] = _rich(wrong.find("feedback"), files, slug)
    elif kind == "numerical":
        rights = [a for a in answers if _fraction(a) > 0 and _text(a) != "*"]
        if len(rights) != 1:
            raise MoodleXmlError("een getalvraag met meer dan één (deels) goed antwoord wordt niet ondersteund")
        right = rights[0]
        question = {"type": "numeric", "text": text, "answer": _number(_text(right))}
        tolerance = _number(_text(right, "tolerance") or "0")
        if tolerance:
            question["tolerance"] = tolerance
        if _rich(right.find("feedback"), files, slug):
            question["feedback_right"] = _rich(right.find("feedback"), files, slug)
        others = [a for a in answers if a is not right]
        if any(_text(a) != "*" for a in others):
            raise MoodleXmlError("een getalvraag met meer dan één antwoord wordt niet ondersteund")
        catch_all = next((a for a in others), None)
        if catch_all is not None and _rich(catch_all.find("feedback"), files, slug):
            question["feedback_wrong"] = _rich(catch_all.find("feedback"), files, slug)
    elif kind == "matching":
        pairs = []
        for sub in element.findall("subquestion"):
            left, right = _rich(sub, files, slug), _text(sub.find("answer"))
            if not left:
                raise MoodleXmlError("een koppelvraag met extra antwoorden zonder vraag wordt niet ondersteund")
            pairs.append({"left": left, "right": right})
        question = {"type": "match", "text": text, "pairs": pairs}
    elif kind == "shortanswer":
        accept = [_text(a) for a in answers if _fraction(a) > 0 and _text(a)]
        if not accept:
            raise MoodleXmlError("geen goed antwoord (fraction boven 0)")
        if any("*" in a for a in accept):
            raise MoodleXmlError("jokertekens (*) in een kort antwoord worden niet ondersteund")
        question = {"type": "text", "text": text, "accept": accept}
    if kind in ("matching", "shortanswer"):
        for tag, key in (("correctfeedback", "feedback_right"), ("incorrectfeedback", "feedback_wrong")):
            feedback = _rich(element.find(tag), files, slug)
            if feedback:
                question[key] = feedback
    hints = [_rich(h, files, slug) for h in element.findall("hint")]
    if any(hints):
        question["hints"] = [h for h in hints if h]
    explanation = _rich(element.find("generalfeedback"), files, slug)
    if explanation:
        question["explanation"] = explanation
    return question


# ---------------------------------------------------------------- export

def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _block(tag: str, text: str, indent: str, attributes: str = ' format="markdown"') -> list[str]:
    return [f"{indent}<{tag}{attributes}>", f"{indent}  <text>{_cdata(text)}</text>", f"{indent}</{tag}>"]


def _fraction_text(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return text or "0"


def to_moodle_xml(quiz) -> tuple[str, list[str]]:
    """A Quiz (from the loader) → (Moodle XML text, warnings about what Moodle XML cannot hold)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>",
           '  <question type="category">', f"    <category><text>{_cdata('$course$/top/' + quiz.title.replace('/', '-'))}</text></category>",
           "  </question>"]
    warnings = []
    for q in quiz.questions:
        if q.type == "order":
            warnings.append(f"vraag {q.id}: een volgordevraag bestaat niet in Moodle XML; niet geëxporteerd")
            continue
        kind = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse",
                "numeric": "numerical", "match": "matching", "text": "shortanswer"}[q.type]
        lines = [f'  <question type="{kind}">', f"    <name><text>{_cdata(q.id)}</text></name>"]
        lines += _block("questiontext", q.text, "    ")
        lines += _block("generalfeedback", q.explanation, "    ")
        if q.type in ("single", "multiple"):
            right = sum(o.correct for o in q.options)
            lines.append(f"    <single>{'true' if q.type == 'single' else 'false'}</single>")
            lines.append("    <shuffleanswers>true</shuffleanswers>")
            for o in q.options:
                fraction = (100 / right if q.type == "multiple" else 100) if o.correct else (-100 if q.type == "multiple" else 0)
                lines.append(f'    <answer fraction="{_fraction_text(fraction)}" format="markdown">')
                lines.append(f"      <text>{_cdata(o.text)}</text>")
                lines += _block("feedback", o.feedback, "      ")
                lines.append("    </answer>")
        elif q.type == "truefalse":
            for value in (True, False):
                feedback = q.feedback_right if value == q.answer else q.feedback_wrong
                lines.append(f'    <answer fraction="{100 if value == q.answer else 0}" format="moodle_auto_format">')
                lines.append(f"      <text>{'true' if value else 'false'}</text>")
                lines += _block("feedback", feedback, "      ")
                lines.append("    </answer>")
        elif q.type == "numeric":
            lines.append('    <answer fraction="100" format="moodle_auto_format">')
            lines.append(f"      <text>{_fraction_text(q.answer)}</text>")
            lines.append(f"      <tolerance>{_fraction_text(q.tolerance)}</tolerance>")
            lines += _block("feedback", q.feedback_right, "      ")
            lines.append("    </answer>")
            if q.feedback_wrong:
                lines.append('    <answer fraction="0" format="moodle_auto_format">')
                lines.append("      <text>*</text>")
                lines += _block("feedback", q.feedback_wrong, "      ")
                lines.append("    </answer>")
        elif q.type == "match":
            lines.append("    <shuffleanswers>true</shuffleanswers>")
            for left, right in q.pairs:
                lines.append('    <subquestion format="markdown">')
                lines.append(f"      <text>{_cdata(left)}</text>")
                lines.append(f"      <answer><text>{_cdata(right)}</text></answer>")
                lines.append("    </subquestion>")
        elif q.type == "text":
            lines.append("    <usecase>0</usecase>")
            for answer in q.accept:
                lines.append('    <answer fraction="100" format="moodle_auto_format">')
                lines.append(f"      <text>{_cdata(answer)}</text>")
                lines.append("    </answer>")
        if q.type in ("match", "text"):   # Moodle's combined feedback
            if q.feedback_right:
                lines += _block("correctfeedback", q.feedback_right, "    ")
            if q.feedback_wrong:
                lines += _block("incorrectfeedback", q.feedback_wrong, "    ")
        for hint in q.hints:
            lines += _block("hint", hint, "    ")
        lines.append("  </question>")
        out += lines
    out.append("</quiz>")
    return "\n".join(out) + "\n", warnings
