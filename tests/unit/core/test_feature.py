"""Registration: the features' lists are complete, and a handler's dependencies are bound
once, by name, failing at start-up when one is missing."""

from __future__ import annotations

import pytest

from jikimi.bootstrap.wiring import message_bus
from jikimi.core.feature import MissingDependency, inject
from jikimi.core.tables import Base
from jikimi.features import FEATURES, metadata
from tests.unit.fakes import FakeNotifier, FakeStore


def test_every_table_belongs_to_a_registered_feature() -> None:
    """Alembic compares the features' tables with the migrations: a table a feature
    defines but does not register would be missed."""
    registered = {f.tables.__name__ for f in FEATURES if f.tables is not None}
    for mapper in Base.registry.mappers:
        assert mapper.class_.__module__ in registered, mapper.class_
    assert set(metadata().tables) == {m.local_table.name for m in Base.registry.mappers}


def test_every_inbox_command_has_one_handler() -> None:
    handled = [kind for f in FEATURES for kind in f.handlers]
    assert len(handled) == len(set(handled)), "a command handled by two features"

    class Settings:
        worker_batch, device_silence_s = 10, 60.0

    for feature in FEATURES:
        for inbox in feature.inboxes:
            assert type(inbox.command(Settings())) in handled, inbox.name
        for timer in feature.timers:
            assert type(timer.command(Settings())) in handled


def test_inject_binds_keyword_dependencies_by_name() -> None:
    def handler(cmd: int, uow: int, *, clock: int, policy: int) -> set[str]:
        return {f"{cmd}{uow}{clock}{policy}"}

    bound = inject(handler, {"clock": 3, "policy": 4, "unused": 5})
    assert bound(1, 2) == {"1234"}


def test_a_missing_dependency_fails_when_the_bus_is_built() -> None:
    store = FakeStore()
    with pytest.raises(MissingDependency, match="track_memory"):
        message_bus(
            FEATURES,
            store.uow,
            FakeNotifier(),
            {"clock": None, "policy": None, "approach_rules": None, "scorer": None},
        )
