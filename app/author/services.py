"""The module files an author sees: one row per file with its problems, and their counts."""


def module_rows(catalogue) -> list[dict]:
    """One row per module file: broken files (left out of the catalogue) and files with problems first."""
    by_path = {}
    for problem in catalogue.problems:
        by_path.setdefault(problem.path, []).append(problem)
    rows = [{"file": f, "module": f.module if f.listed else None, "problems": by_path.get(f.display, [])}
            for f in catalogue.files]
    rows.sort(key=lambda r: (r["module"] is not None, not r["problems"], r["file"].display))
    return rows


def row_counts(rows: list[dict]) -> dict[str, int]:
    """Files that do not show, files with problems, modules not published, and all files."""
    return {"broken": sum(1 for r in rows if r["module"] is None),
            "with_problems": sum(1 for r in rows if r["problems"]),
            "unpublished": sum(1 for r in rows if r["module"] is not None and not r["module"].published),
            "modules": len(rows)}
