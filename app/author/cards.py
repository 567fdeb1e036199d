"""Start-page card for authors: modules that do not show, modules with problems, what is unpublished."""
from app.author.services import module_rows, row_counts
from app.content.catalogue import get_catalogue


def author_card(user) -> dict | None:
    if not user.has_role("author", "admin"):
        return None
    return row_counts(module_rows(get_catalogue()))
