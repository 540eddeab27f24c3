"""background jobs

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hromada.db.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.String(length=64),
            nullable=False,
            comment="registered job kind, e.g. statistics_import",
        ),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                "cancelled",
                name="job_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Float(), nullable=False, comment="0 to 1"),
        sa.Column(
            "message", sa.String(length=200), nullable=False, comment="stage key, optionally done/total"
        ),
        sa.Column(
            "parameters",
            sa.JSON(),
            nullable=False,
            comment="what the job works on; keys starting with _ are not shown",
        ),
        sa.Column("result", sa.JSON(), nullable=True, comment="the outcome of a done job"),
        sa.Column(
            "error",
            sa.JSON(),
            nullable=True,
            comment="code, message and, for a rejected file, total and issues",
        ),
        sa.Column("created_at", hromada.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", hromada.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", hromada.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", hromada.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("worker", sa.String(length=100), nullable=True, comment="id of the worker running it"),
        sa.CheckConstraint("progress >= 0 AND progress <= 1", name=op.f("ck_job_progress_range")),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_job_municipality_id_municipality"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_job_user_id_user_account"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index("ix_job_state", ["state", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_state")
        batch_op.drop_index(batch_op.f("ix_job_municipality_id"))

    op.drop_table("job")
