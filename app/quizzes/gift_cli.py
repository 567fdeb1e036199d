"""`flask content import-gift` and `export-gift`: move questions between Moodle (GIFT) and quizzes/."""
from __future__ import annotations

import re
from pathlib import Path

import click
import yaml
from flask import current_app
from flask.cli import with_appcontext


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "quiz"


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


@click.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", help="Slug van de oefentoets (standaard: de bestandsnaam).")
@click.option("--title", help="Titel van de oefentoets (standaard: de slug).")
@click.option("--force", is_flag=True, help="Een bestaand quizbestand overschrijven.")
@click.option("--skip-unsupported", is_flag=True,
              help="Schrijf de vragen die wel kunnen en noem elke overgeslagen vraag met regel en soort.")
@with_appcontext
def import_gift(file: Path, slug: str | None, title: str | None, force: bool, skip_unsupported: bool) -> None:
    """Zet Moodle GIFT-vragen om naar QUIZ_DIR/<slug>.yaml; exit 1 bij iets dat niet kan."""
    from app.quizzes.gift import parse_gift
    from app.quizzes.loader import parse_file

    try:
        source = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        click.echo(f"{file}:0: het bestand is geen UTF-8-tekst", err=True)
        raise SystemExit(1)
    questions, problems = parse_gift(source)
    if not questions and not problems:
        problems = [(1, "geen vragen gevonden")]
    if problems and skip_unsupported and questions:
        for line, message in problems:
            click.echo(f"{file}:{line}: overgeslagen: {message}", err=True)
    elif problems:
        for line, message in problems:
            click.echo(f"{file}:{line}: {message}", err=True)
        click.echo("Niets geschreven: los deze punten op (of haal de vragen weg) en probeer het opnieuw, "
                   "of gebruik --skip-unsupported om alleen de vragen te schrijven die wel kunnen.", err=True)
        raise SystemExit(1)
    slug = _slugify(slug or file.stem)
    target = Path(current_app.config["QUIZ_DIR"]) / f"{slug}.yaml"
    if target.exists() and not force:
        click.echo(f"{target} bestaat al; gebruik --force om het te overschrijven.", err=True)
        raise SystemExit(1)
    data = {"slug": slug, "title": title or slug.replace("-", " ").capitalize(), "competencies": [],
            "questions": questions}
    text = (f"# Geïmporteerd uit {file.name}; vul 'competencies' aan.\n"
            + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100))
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".yaml.tmp")
    temporary.write_text(text, encoding="utf-8")
    # Check the result with the same rules as `content check` before it replaces anything.
    _quiz, file_problems = parse_file(temporary)
    if file_problems:
        temporary.unlink()
        for _path, line, message in file_problems:
            click.echo(f"{file}: na omzetten: {message}", err=True)
        raise SystemExit(1)
    temporary.replace(target)
    skipped = f"; {len(problems)} overgeslagen" if problems else ""
    click.echo(f"{len(questions)} vragen geschreven naar {target}{skipped}.")


@click.command("export-gift")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Schrijf naar dit bestand (standaard: naar het scherm).")
@with_appcontext
def export_gift(slug: str, output: Path | None) -> None:
    """Zet oefentoets SLUG om naar Moodle GIFT."""
    from app.quizzes.gift import to_gift

    _export(slug, output, to_gift, skipped=lambda warnings: sum("volgorde" in w for w in warnings))


def _export(slug: str, output: Path | None, convert, skipped=len) -> None:
    """Write quiz SLUG in another format (`convert(quiz) -> (text, warnings)`) to OUTPUT or the
    screen; `skipped(warnings)` counts the questions the format could not hold."""
    from app.quizzes.loader import load_dir

    quiz_set = load_dir(current_app.config["QUIZ_DIR"])
    quiz = quiz_set.quizzes.get(slug)
    if quiz is None:
        reason = "heeft fouten (zie flask content check)" if slug in quiz_set.broken_slugs else "bestaat niet"
        click.echo(f"Oefentoets '{slug}' {reason}.", err=True)
        raise SystemExit(1)
    text, warnings = convert(quiz)
    for warning in warnings:
        click.echo(f"Let op: {warning}", err=True)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{len(quiz.questions) - skipped(warnings)} vragen geschreven naar {output}.")
    else:
        click.echo(text, nl=False)


@click.command("import-moodle-xml")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", help="Slug van de oefentoets (standaard: de bestandsnaam).")
@click.option("--title", help="Titel (standaard: de laatste categorie in het bestand, anders de slug).")
@click.option("--force", is_flag=True, help="Een bestaand quizbestand overschrijven.")
@with_appcontext
def import_moodle_xml(file: Path, slug: str | None, title: str | None, force: bool) -> None:
    """Zet een Moodle XML-bestand om naar QUIZ_DIR/<slug>.yaml (en afbeeldingen in QUIZ_DIR/<slug>/)."""
    from app.quizzes.moodle_xml import parse_moodle_xml

    slug = _slugify(slug or file.stem)
    converted = parse_moodle_xml(file.read_bytes(), slug)
    if converted.problems:
        for problem in converted.problems:
            click.echo(f"{file}: {problem}", err=True)
        click.echo("Niets geschreven: los deze punten op (of haal de vragen weg) en probeer het opnieuw.", err=True)
        raise SystemExit(1)
    _write_quiz(file, slug, title or converted.title or slug.replace("-", " ").capitalize(),
                converted.questions, force, files=converted.files)


def _write_quiz(file: Path, slug: str, title: str, questions: list, force: bool, files: dict | None = None,
                note: str = "") -> None:
    """Write QUIZ_DIR/<slug>.yaml (and its images) only when it passes the checks; else nothing."""
    from app.quizzes.loader import parse_file

    directory = Path(current_app.config["QUIZ_DIR"])
    target = directory / f"{slug}.yaml"
    if target.exists() and not force:
        click.echo(f"{target} bestaat al; gebruik --force om het te overschrijven.", err=True)
        raise SystemExit(1)
    data = {"slug": slug, "title": title, "competencies": [], "questions": questions}
    text = (f"# Geïmporteerd uit {file.name}; vul 'competencies' en 'source' aan.\n"
            + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100))
    directory.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".yaml.tmp")
    temporary.write_text(text, encoding="utf-8")
    _quiz, file_problems = parse_file(temporary)
    if file_problems:
        temporary.unlink()
        for _path, line, message in file_problems:
            click.echo(f"{file}: na omzetten: {message}", err=True)
        raise SystemExit(1)
    if files:
        media = directory / slug
        media.mkdir(exist_ok=True)
        for name, content in files.items():
            (media / name).write_bytes(content)
    temporary.replace(target)
    click.echo(f"{len(questions)} vragen geschreven naar {target}{note}"
               + (f" en {len(files)} afbeelding(en) naar {directory / slug}" if files else "") + ".")


@click.command("export-moodle-xml")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Schrijf naar dit bestand (standaard: naar het scherm).")
@with_appcontext
def export_moodle_xml(slug: str, output: Path | None) -> None:
    """Zet oefentoets SLUG om naar Moodle XML."""
    from app.quizzes.moodle_xml import to_moodle_xml

    _export(slug, output, to_moodle_xml)
