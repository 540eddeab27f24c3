"""Seeding the demo is idempotent and registers the national panel with its provenance."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hromada.db.models import Membership, Municipality, StatisticSeries, User
from hromada.errors import ValidationError
from hromada.services.demo import DEMO_FACILITATOR, seed_demo
from hromada.services.reference import load_reference_panel
from hromada.settings import Settings


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        int(session.scalar(select(func.count()).select_from(model)) or 0)
        for model in (Municipality, User, Membership, StatisticSeries)
    )


def test_seed_twice_changes_nothing(session: Session, settings: Settings) -> None:
    first = seed_demo(session, settings)
    session.commit()
    counts = _counts(session)
    assert counts[:3] == (10, 11, 10)
    assert first.values_written == counts[3] > 10 * 88 * 10
    second = seed_demo(session, settings)
    session.commit()
    assert _counts(session) == counts
    assert (second.values_written, second.values_unchanged) == (0, counts[3])
    assert second.logins[0].email == DEMO_FACILITATOR
    synthetic = session.scalars(select(Municipality.is_synthetic)).all()
    assert all(synthetic)


def test_national_panel_is_registered_and_verified(session: Session, settings: Settings) -> None:
    seed_demo(session, settings)
    session.commit()
    panel = load_reference_panel(session, settings)
    assert panel.synthetic and panel.provenance["seed"] == 20220224
    assert len(panel.municipalities) >= 1469
    demo_codes = set(session.scalars(select(Municipality.code)))
    assert demo_codes <= set(panel.municipalities["code"])
    path = next((settings.data_dir / "reference").glob("*.parquet"))
    path.write_bytes(path.read_bytes() + b"tampered")
    with pytest.raises(ValidationError, match="changed since it was registered"):
        load_reference_panel(session, settings)
