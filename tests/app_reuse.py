"""Test-only savings on the app the suite makes per test (production makes one app per process).

Three things an app builds for itself cost most of a short route test, and none of them depends on
the test: werkzeug's URL builders (Python source compiled per rule), Jinja's compiled templates, and
SQLAlchemy's compiled SQL, which is cached per engine (its cache key holds the engine's dialect).
Apps made in one test process share them. Each test still gets its own app, config, session and
database contents.
"""
import sqlite3

from jinja2 import BytecodeCache
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing.rules import Rule


def reuse_url_builders() -> None:
    """A builder is a plain function of the rule's text, its parts and its defaults. Rules whose
    defaults fill a part of the URL are left alone (their builder bakes in a converter's output)."""
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


class SharedTemplateCode(BytecodeCache):
    """Jinja's own hook for keeping compiled templates. The source checksum still decides, so an
    edited template is compiled again."""

    def __init__(self):
        self._code = {}

    def load_bytecode(self, bucket):
        checksum, code = self._code.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = (bucket.checksum, bucket.code)


shared_template_code = SharedTemplateCode()


def reuse_engines(db) -> None:
    """One engine per database URL and options: its compiled-SQL cache outlives the app. The app
    fixture gives every SQLite test the same file name (a fresh copy of the schema, new inode) and
    disposes the pool after each test, so no connection reaches into the next test."""
    original = db._make_engine
    if getattr(original, "shared", False):
        return
    engines = {}

    def make_engine(bind_key, options, app):
        key = (bind_key, tuple(sorted((name, repr(value)) for name, value in options.items())))
        engine = engines.get(key)
        if engine is None:
            engine = engines[key] = original(bind_key, options, app)
        return engine

    make_engine.shared = True
    db._make_engine = make_engine


@event.listens_for(Engine, "connect")
def _no_fsync_for_test_files(dbapi_connection, _record):
    """A test's SQLite file is thrown away afterwards: waiting for the disk on every commit buys
    nothing (a third of a route test's time on this machine)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")
