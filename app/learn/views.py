"""View helpers of a module page, shared by the reader's page and the author's preview."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user

from app.learn import services


def quiz_url(catalogue, module) -> str | None:
    """The quiz's page when the module names a quiz that exists."""
    if not module.quiz or module.quiz not in catalogue.quiz_slugs:
        return None
    return url_for("quizzes.quiz", slug=module.quiz)


def module_context(catalogue, module) -> dict:
    """What the module page (and the author preview) shows around the text."""
    names = services.competency_names(current_user.region_id)
    previous, following, code = services.neighbours(catalogue, module)
    return {"module": module, "body": catalogue.html(module), "quiz_url": quiz_url(catalogue, module),
            "changed_at": services.changed_at(module),
            "competencies": [(c, services.competency_label(names, c)) for c in module.competencies],
            "previous": previous, "following": following,
            "sequence_name": services.competency_label(names, code) if code else None}
