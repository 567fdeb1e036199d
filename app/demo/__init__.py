"""The demo region (`flask demo seed`): norms, competencies, people, and each feature's demo data."""
from app.demo.seed import register_seeder  # noqa: F401


def init_app(app):
    from app.demo.cli import demo_cli
    app.cli.add_command(demo_cli)
