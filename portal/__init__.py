"""Portail PDP: the Flask application factory."""

from flask import Flask

from portal.config import ROOT, instance_dir, settings_from_env, sqlite_refused


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings from the environment, then `config` (tests), then the content version and routes.

    The instance folder (what the app writes: database, built versions, secret key) is `config["INSTANCE_DIR"]`,
    else PORTAL_INSTANCE_DIR, else instance/ beside the code."""
    config = dict(config or {})
    app = Flask(
        __name__,
        instance_path=str(instance_dir(config.pop("INSTANCE_DIR", None))),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(settings_from_env(app.instance_path, given=config))
    refused = sqlite_refused(app.config)
    if refused:
        raise SystemExit(refused)

    from portal import cli, serving, store, web
    from portal.web import dev

    store.init_app(app)  # the base of what users write, migrated (revision 0002 drops the old content tables)
    dev.init_app(app)  # before the content is served: the watcher fingerprints the files before they are read
    serving.install(app)
    web.init_app(app)
    cli.init_app(app)
    return app
