"""Command-line tools: ``flask --app permits seed-demo | create-admin | ...``."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from permits.extensions import db
from permits.labels import ORGANISATION_KINDS
from permits.models import Organisation
from permits.services import ServiceError, accounts, summaries, turnaround
from workflows import current_definition


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo organisations, sites, companies and users (idempotent)."""
        from permits.demo.seed import seed_demo  # CLI only: kept out of the web and worker processes

        summary = seed_demo()
        db.session.commit()
        for line in summary:
            click.echo(line)

    def rebuild_statistics():
        """Recompute the turnaround of every decided review, then every counter
        of the statistics and the scorecard from history (one transaction)."""
        reviews = turnaround.rebuild()
        counters = summaries.rebuild()
        db.session.commit()
        click.echo(f"Turnaround rebuilt: {reviews} decided reviews. Statistics rebuilt: {counters} counters.")

    app.cli.command("rebuild-statistics")(rebuild_statistics)
    # The command's first name (it rebuilt the turnaround rows alone).
    app.cli.command("rebuild-turnaround", help="Same as rebuild-statistics.")(rebuild_statistics)

    @app.cli.command("demo-logins")
    def demo_logins_command():
        """Print the demo accounts and their password."""
        from permits.demo import data as demo_data

        click.echo(f"  Demo logins (password for all: {demo_data.DEMO_PASSWORD})")
        for row in demo_data.USERS:
            if row.get("platform_admin"):
                role = "platform admin"
            elif row.get("company"):
                role = f"producer, {row['company']}"
            else:
                role = f"{row.get('role')}, {row.get('organisation')}"
            click.echo(f"    {row['email']:<48} {role}")

    @app.cli.command("process-diagram")
    @click.option("--write-readme", is_flag=True, help="Rewrite the diagram section of README.md.")
    def process_diagram_command(write_readme: bool):
        """Print the process diagram (Mermaid) generated from the definition."""
        from permits.readme import write_diagram
        from workflows.diagram import to_mermaid

        text = to_mermaid(current_definition())
        if not write_readme:
            click.echo(text)
            return
        write_diagram(text)
        click.echo("README.md updated.")

    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_admin_command(email: str, name: str, password: str):
        """Create a platform administrator."""
        try:
            accounts.create_user(email=email, name=name, password=password, language="en", is_platform_admin=True)
        except ServiceError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(f"Platform admin {email} created.")

    @app.cli.command("create-organisation")
    @click.option("--key", required=True)
    @click.option("--kind", required=True, type=click.Choice(list(ORGANISATION_KINDS)))
    @click.option("--name-az", required=True)
    @click.option("--name-en", required=True)
    @click.option("--name-ru", required=True)
    @click.option("--email", default="")
    def create_organisation_command(key, kind, name_az, name_en, name_ru, email):
        """Create a reviewing organisation."""
        try:
            accounts.create_organisation(key=key, kind=kind, name_az=name_az, name_en=name_en, name_ru=name_ru, email=email)
        except ServiceError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(f"Organisation {key} created.")

    @app.cli.command("create-staff")
    @click.option("--organisation", "organisation_key", required=True, help="The organisation's key.")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", default="reviewer", type=click.Choice(["reviewer", "supervisor", "admin"]))
    @click.option("--language", default="az", type=click.Choice(["az", "en", "ru"]))
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_staff_command(organisation_key, email, name, role, language, password):
        """Create a reviewer, supervisor or organisation admin account."""
        organisation = db.session.execute(select(Organisation).where(Organisation.key == organisation_key)).scalar_one_or_none()
        if organisation is None:
            raise click.ClickException(f"No organisation with key {organisation_key!r}.")
        try:
            accounts.create_staff_user(
                organisation=organisation, email=email, name=name, password=password, role=role, language=language
            )
        except ServiceError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(f"{role.capitalize()} {email} created in {organisation_key}.")


# Migrations: Flask-Migrate imports Alembic (about 100 ms and several MB per
# process), which only ``flask db ...`` and the suite's set-up need. The web
# and Celery workers build the app with ``create_app`` too, so the extension
# and its command group are registered as stand-ins that import Flask-Migrate
# the first time something uses them.


class LazyMigrateConfig:
    """``app.extensions["migrate"]`` until first use: then Flask-Migrate is
    set up on the app (which replaces this object) and answers instead."""

    def __init__(self, app: Flask, directory: str, **alembic_options):
        self._app = app
        self._directory = directory
        self._options = alembic_options

    def load(self):
        from flask_migrate import Migrate

        Migrate(self._app, db, directory=self._directory, **self._options)
        return self._app.extensions["migrate"]

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.load(), name)


class LazyMigrateGroup(click.Command):
    """``flask db``: stands for Flask-Migrate's group, imported when the
    command runs; its context (options, sub-commands, help) is the real one's."""

    def __init__(self, extension: LazyMigrateConfig):
        super().__init__(name="db", help="Perform database migrations (Flask-Migrate).")
        self._extension = extension

    def make_context(self, info_name, args, parent=None, **extra):
        if isinstance(self._extension._app.extensions.get("migrate"), LazyMigrateConfig):
            self._extension.load()
        from flask_migrate.cli import db as real_group

        return real_group.make_context(info_name, args, parent=parent, **extra)


def register_migrations(app: Flask, directory: str) -> None:
    extension = LazyMigrateConfig(app, directory, render_as_batch=True)
    app.extensions["migrate"] = extension
    app.cli.add_command(LazyMigrateGroup(extension))
