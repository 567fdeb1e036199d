"""The demo region (`flask demo seed`): norms, competencies, people, and each feature's demo data."""
def init_app(app):
    from app.demo.cli import demo_cli
    app.cli.add_command(demo_cli)
