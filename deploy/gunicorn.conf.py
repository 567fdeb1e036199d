"""gunicorn settings for Paraat (deploy/paraat.service and the Procfile pass `-c deploy/gunicorn.conf.py`).

The app is imported once in the master and the workers are forked from it, so the code, templates
and libraries (about 60 MB: Flask, SQLAlchemy, psycopg, ...) sit in memory once, shared; before the
first fork the master also loads what each worker would load on its first requests (`app.warm_up`:
compiled templates, ORM mappings, date formats, the content catalogue and quizzes).
Right before each fork the objects alive so far are moved out of the garbage collector's reach
(`gc.freeze()`, the use Python's documentation gives for it): a worker's collections then do not
touch, and so do not copy, the shared pages. The collector itself stays on in every worker.
Code changes need `systemctl restart paraat` (a HUP reload re-forks the old code).
"""
import gc

preload_app = True


def when_ready(server):
    """Before the first worker is forked: load what every worker needs into the master (app.warm_up)."""
    app = server.app.wsgi()
    if getattr(app, "import_name", None) == "app":  # Paraat (bench/ serves a bare Flask app with these settings too)
        from app import warm_up
        warm_up(app)


def pre_fork(server, worker):
    gc.freeze()
