"""Key rotation: a new active key, then every sealed value re-encrypted, in small batches.

Servers keep running: they read values sealed under any key in the ring and pick up the
new ring from the key file within seconds, so rows they write during the rotation are
caught by a later pass (the command repeats until no row is left under an old key).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from jikimi.core import sealing as crypto
from jikimi.core.sealed import sealed_attributes
from jikimi.schema import Base  # every feature's tables, registered


def _sealed_models() -> tuple[type[Any], ...]:
    """Every table with a sealed column (found, so a new one cannot be forgotten)."""
    models = [m.class_ for m in Base.registry.mappers if sealed_attributes(m.class_)]
    return tuple(sorted(models, key=lambda m: str(m.__tablename__)))


MODELS = _sealed_models()


def _stale(model: type[Any], active: str) -> Any:
    cols = [getattr(model, a.column) for a in sealed_attributes(model)]
    current = f"{crypto.PREFIX}:{active}:%"
    return or_(*[(c.is_not(None)) & (c.not_like(current)) for c in cols])


def stale_counts(s: Session) -> dict[str, int]:
    """Rows per table still holding a value sealed under an old key."""
    active = crypto.ring().active
    out = {}
    for model in MODELS:
        n = int(s.scalar(select(func.count()).select_from(model).where(_stale(model, active))) or 0)
        if n:
            out[model.__tablename__] = n
    return out


def reseal_all(
    sessions: sessionmaker[Session],
    batch: int = 500,
    progress: Callable[[str, int], None] | None = None,
) -> int:
    """Re-encrypt every value not under the active key; return how many rows changed."""
    total = 0
    for model in MODELS:
        attrs = sealed_attributes(model)
        while True:
            with sessions() as s:
                rows = list(
                    s.scalars(select(model).where(_stale(model, crypto.ring().active)).limit(batch))
                )
                if not rows:
                    break
                for row in rows:
                    for attr in attrs:
                        setattr(row, attr.name, getattr(row, attr.name))  # open, seal anew
                s.commit()
                total += len(rows)
                if progress:
                    progress(model.__tablename__, len(rows))
    return total
