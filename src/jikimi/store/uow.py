"""The SQLAlchemy unit of work: the only thing that commits."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from jikimi.domain.orders import StatutePack
from jikimi.engine.ports import (
    AlertRepository,
    CaseRepository,
    ContactRepository,
    DeviceRepository,
    PositionRepository,
)
from jikimi.store.device_repo import SqlDevices
from jikimi.store.positions_repo import SqlPositions
from jikimi.store.repositories import SqlAlerts, SqlCases, SqlContacts


class SqlUnitOfWork:
    """One session, one transaction; rolled back unless committed."""

    contacts: ContactRepository
    cases: CaseRepository
    alerts: AlertRepository
    devices: DeviceRepository
    positions: PositionRepository

    def __init__(
        self, session_factory: sessionmaker[Session], pack: StatutePack, warn_m: float = 1000.0
    ) -> None:
        self._factory, self._pack, self._warn_m = session_factory, pack, warn_m
        self.session: Session | None = None

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        self.contacts = SqlContacts(self.session)
        self.cases = SqlCases(self.session, self._pack)
        self.alerts = SqlAlerts(self.session)
        self.devices = SqlDevices(self.session, self._pack)
        self.positions = SqlPositions(self.session, self._pack, self._warn_m)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.session is not None
        self.session.rollback()
        self.session.close()
        self.session = None

    def commit(self) -> None:
        """Make the transaction durable."""
        assert self.session is not None
        self.session.commit()

    def rollback(self) -> None:
        """Discard the transaction."""
        assert self.session is not None
        self.session.rollback()
