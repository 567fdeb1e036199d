"""The suite makes an app per test; werkzeug compiles two URL builders per rule each time (Python
source through `ast` and `compile`), about half of `create_app()`. A builder is a plain function of
the rule's text, its parts and its defaults, so apps made in one test process can share them.

Test-only: production makes one app per process. Rules whose defaults fill a part of the URL are
left alone (their builder bakes in a converter's output).
"""
from werkzeug.routing.rules import Rule


def reuse_url_builders() -> None:
    original = Rule._compile_builder
    if getattr(original, "shared", False):
        return
    builders = {}

    def compile_builder(self, append_unknown=True):
        defaults = self.defaults or {}
        if any(is_dynamic and part in defaults for is_dynamic, part in self._trace):
            return original(self, append_unknown)
        key = (self.rule, tuple(self._trace), tuple(defaults), append_unknown)
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = original(self, append_unknown)
        return builder

    compile_builder.shared = True
    Rule._compile_builder = compile_builder
