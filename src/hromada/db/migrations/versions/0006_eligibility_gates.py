"""eligibility gates in the finance plan

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # existing plans keep the default rules (NULL)
    with op.batch_alter_table("finance_plan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "gates",
                sa.JSON(),
                nullable=True,
                comment="eligibility rules [{name, column, op, value, message}]; None: the default rules",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("finance_plan", schema=None) as batch_op:
        batch_op.drop_column("gates")
