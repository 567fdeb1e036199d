"""Split a markdown file into YAML front matter and body, keeping line numbers for error messages."""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from app.content.safety import find_alias

# libyaml when installed (10x faster on a big catalogue), with the same marks and safe types.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrontMatterError(ValueError):
    """The front matter cannot be read; `line` is the line in the whole file (1-based)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class FrontMatter:
    data: dict
    body: str
    body_line: int                  # file line of the body's first line
    key_lines: dict = field(default_factory=dict)    # key -> file line of the key
    item_lines: dict = field(default_factory=dict)   # key -> [file line of each list item]
    start_line: int = 2             # file line of the first YAML line


def split(text: str) -> FrontMatter:
    """Parse `---` YAML `---` body. Raises FrontMatterError with the line of the problem."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise FrontMatterError(1, "front matter ontbreekt: het bestand moet beginnen met een regel '---'")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise FrontMatterError(1, "front matter wordt niet afgesloten met een regel '---'")
    yaml_text = "\n".join(lines[1:end])
    offset = 2  # YAML line 0 is file line 2
    alias = find_alias(yaml_text)
    if alias is not None:
        raise FrontMatterError(alias[0] + offset, alias[1])
    try:
        loader = Loader(yaml_text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + offset if mark else 1
        if line >= end + 1 and exc.context_mark:  # ran into the closing ---: point at where it began
            mark = exc.context_mark
            line = mark.line + offset
        problem = exc.problem or str(exc)
        if exc.context:
            problem = f"{exc.context}, {problem}"
        if exc.context_mark and mark and exc.context_mark.line != mark.line:
            problem += f" (begonnen op regel {exc.context_mark.line + offset})"
        raise FrontMatterError(line, f"YAML-fout in front matter: {problem}") from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(1, f"YAML-fout in front matter: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(offset, "front matter moet bestaan uit velden als 'title: ...'")
    key_lines, item_lines = {}, {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            key_lines[key] = key_node.start_mark.line + offset
            if isinstance(value_node, yaml.SequenceNode):
                item_lines[key] = [item.start_mark.line + offset for item in value_node.value]
    return FrontMatter(data=data, body="\n".join(lines[end + 1:]), body_line=end + 2,
                       key_lines=key_lines, item_lines=item_lines, start_line=offset)
