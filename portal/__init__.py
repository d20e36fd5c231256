"""Portail PDP: the Flask application factory."""

from flask import Flask

from portal.config import ROOT, settings_from_env


def create_app(config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the app: settings from the environment, then `config` (tests), then content and routes; the
    instance folder (what the app writes) is instance/ unless `instance_path` is given."""
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(settings_from_env(app.instance_path))
    if config:
        app.config.update(config)

    from portal import cli, web
    from portal.content import install_content
    from portal.migrations import upgrade_database
    from portal.web import dev

    dev.init_app(app)  # first: the preview fingerprints the files before they are loaded
    # Before the content: revision 0002 drops the tables earlier versions derived from it.
    upgrade_database(app.config["DATABASE_URL"])
    install_content(app)
    web.init_app(app)
    cli.init_app(app)
    return app
