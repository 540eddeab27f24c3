"""server-side sessions and sign-in throttling

``user_session``: a browser session is signed in only while its record is live, so logging out, a password
change or a deactivation ends it at once (cookies signed before this revision carry no session token: their
holders sign in again). ``sign_in_failure``: failed password checks, counted per account and per client
address across every worker process.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hromada.db.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", hromada.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "account_key", sa.String(length=64), nullable=False, comment="SHA-256 of the normalised e-mail"
        ),
        sa.Column("address", sa.String(length=64), nullable=False, comment="client address"),
        sa.Column(
            "cleared",
            sa.Boolean(),
            nullable=False,
            comment="the account signed in since: no longer counted for the account",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failure")),
    )
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_failure_account", ["account_key", "at"], unique=False)
        batch_op.create_index("ix_sign_in_failure_address", ["address", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sign_in_failure_at"), ["at"], unique=False)

    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "token_hash", sa.String(length=64), nullable=False, comment="SHA-256 of the cookie's token"
        ),
        sa.Column("created_at", hromada.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "last_seen_at",
            hromada.db.base.UTCDateTime(timezone=True),
            nullable=False,
            comment="updated at most once a minute",
        ),
        sa.Column("expires_at", hromada.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", hromada.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "end_reason",
            sa.String(length=16),
            nullable=True,
            comment="logout, ended, password, deactivated",
        ),
        sa.Column("user_agent", sa.String(length=200), nullable=False, comment="shortened User-Agent"),
        sa.Column("address", sa.String(length=64), nullable=False, comment="client address at sign-in"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_session_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_session_token_hash")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))
    op.drop_table("user_session")

    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_failure_at"))
        batch_op.drop_index("ix_sign_in_failure_address")
        batch_op.drop_index("ix_sign_in_failure_account")
    op.drop_table("sign_in_failure")
