"""Administration: ``hromada db`` (the schema), ``hromada user`` (accounts and API tokens) and
``hromada municipality`` (the municipalities of the network, its tenants)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from hromada.cli._common import command_group, console, load_settings, unit_of_work
from hromada.services.access import Role

db_app = command_group("Database schema.")
user_app = command_group("User accounts and API tokens.")
municipality_app = command_group("Municipalities (tenants).")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    settings = load_settings()
    with unit_of_work(settings):
        pass
    console.print(f"Database is up to date: {settings.resolved_database_url.split('@')[-1]}")


@user_app.command("add")
def user_add(
    email: str,
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="At least 10 characters."),
    ],
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    facilitator: Annotated[bool, typer.Option(help="Network-wide facilitator.")] = False,
    municipality: Annotated[str | None, typer.Option(help="KATOTTG code of a municipality to join.")] = None,
    role: Annotated[Role, typer.Option(help="Role in that municipality.")] = Role.VIEWER,
) -> None:
    """Create a user account, optionally with a role in one municipality."""
    from hromada.services import accounts
    from hromada.services.demo import municipality_by_code

    with unit_of_work() as session:
        user = accounts.add_user(session, email, password, full_name=name, is_facilitator=facilitator)
        if municipality:
            accounts.add_membership(session, user, municipality_by_code(session, municipality), role)
    console.print(f"User {email} created.")


@user_app.command("token")
def user_token(
    email: str,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    days: Annotated[int | None, typer.Option(help="Expire after this many days.")] = None,
) -> None:
    """Issue a personal API token (shown once)."""
    import datetime as dt

    from hromada.services import accounts

    with unit_of_work() as session:
        user = accounts.get_user(session, email)
        issued = accounts.issue_token(
            session, user, name, expires_in=dt.timedelta(days=days) if days else None
        )
    console.print(issued.secret, highlight=False, soft_wrap=True)


@user_app.command("tokens")
def user_tokens(email: str) -> None:
    """List a user's API tokens (never their secrets)."""
    from hromada.services import accounts
    from hromada.services.demo import system_principal

    table = Table("id", "name", "created", "last used", "expires", "status")
    with unit_of_work() as session:
        user = accounts.get_user(session, email)
        for t in accounts.list_tokens(session, system_principal(), user_id=user.id):
            status = "revoked" if t.revoked_at else ("active" if t.active else "expired")
            table.add_row(
                str(t.id),
                t.name,
                f"{t.created_at:%Y-%m-%d %H:%M}",
                f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "",
                f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "",
                status,
            )
    console.print(table)


@user_app.command("revoke-token")
def user_revoke_token(
    email: str, token_id: Annotated[int, typer.Argument(help="The token's id (see `hromada user tokens`).")]
) -> None:
    """Revoke one of a user's API tokens: it is refused from now on."""
    from hromada.services import accounts
    from hromada.services.demo import system_principal

    with unit_of_work() as session:
        user = accounts.get_user(session, email)
        accounts.revoke_token(session, system_principal(), token_id, user_id=user.id)
    console.print(f"Token {token_id} of {email} revoked.")


@user_app.command("deactivate")
def user_deactivate(email: str) -> None:
    """Deactivate an account: its sessions end and its API tokens are revoked at once."""
    from hromada.services import accounts
    from hromada.services.demo import system_principal

    with unit_of_work() as session:
        user = accounts.get_user(session, email)
        view = accounts.set_active(session, system_principal(), user.id, False)
    console.print(f"User {view.email} deactivated; sessions ended, API tokens revoked.")


@user_app.command("activate")
def user_activate(email: str) -> None:
    """Reactivate an account (its revoked API tokens stay revoked)."""
    from hromada.services import accounts
    from hromada.services.demo import system_principal

    with unit_of_work() as session:
        user = accounts.get_user(session, email)
        view = accounts.set_active(session, system_principal(), user.id, True)
    console.print(f"User {view.email} activated.")


@user_app.command("password")
def user_password(
    email: str,
    password: Annotated[
        str,
        typer.Option(
            prompt="New password",
            hide_input=True,
            confirmation_prompt=True,
            help="At least 10 characters (asked for, hidden, when not given).",
        ),
    ],
) -> None:
    """Set a user's password; every session of the account ends."""
    from hromada.services import accounts
    from hromada.services.demo import system_principal

    with unit_of_work() as session:
        user = accounts.get_user(session, email)
        ended = accounts.change_password(session, system_principal(), password, user_id=user.id)
    console.print(f"Password of {email} changed; {ended} session(s) ended.")


@municipality_app.command("add")
def municipality_add(
    code: Annotated[str, typer.Argument(help="KATOTTG code: UA followed by 17 digits.")],
    name_uk: Annotated[str, typer.Option(help="Name in Ukrainian.")],
    name_en: Annotated[str, typer.Option(help="Name in English transliteration.")],
    oblast: Annotated[str, typer.Option(help="Oblast code prefix, e.g. UA63.")],
    status: Annotated[str, typer.Option(help="frontline, de-occupied, hosting-idp or rear.")] = "rear",
    kind: Annotated[str, typer.Option(help="urban, settlement or rural.")] = "urban",
    population: Annotated[int | None, typer.Option(help="Population.")] = None,
    area: Annotated[float | None, typer.Option(help="Area in km².")] = None,
) -> None:
    """Add a municipality to the network."""
    from hromada.services.profile import MunicipalityInput, create_municipality

    with unit_of_work() as session:
        create_municipality(
            session,
            MunicipalityInput(
                code=code,
                name_uk=name_uk,
                name_en=name_en,
                oblast_code=oblast,
                status=status,
                kind=kind,
                population=population,
                area_km2=area,
            ),
        )
    console.print(f"Municipality {code} added.")


@municipality_app.command("list")
def municipality_list() -> None:
    """List the municipalities with their key figures."""
    from hromada.services.demo import system_principal
    from hromada.services.profile import list_municipalities

    table = Table("code", "name", "status", "population", "employment", "values")
    with unit_of_work() as session:
        for o in list_municipalities(session, system_principal()):
            m = o.municipality
            table.add_row(
                m.code,
                m.name_en,
                m.status.value,
                f"{m.population or 0:,}",
                f"{o.employment:,.0f}" if o.employment is not None else "",
                f"{o.n_values:,}",
            )
    console.print(table)
