"""The SQLAlchemy unit of work: the only thing that commits."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from jikimi.alerts.repo import SqlAlerts
from jikimi.cases.orders import StatutePack
from jikimi.cases.repo import SqlCases
from jikimi.contacts.repo import SqlContacts
from jikimi.core.db import unavailable
from jikimi.core.locks import SqlVictimLocks
from jikimi.devices.repo import SqlDevices
from jikimi.ports import (
    AlertRepository,
    CaseRepository,
    ContactRepository,
    DeviceRepository,
    PositionRepository,
    RiskRepository,
    VictimLocks,
)
from jikimi.proximity.repo import Memo, SqlPositions
from jikimi.risk.repo import SqlRisk


class _Repositories:
    """The repositories of one session, as both units of work hand them out."""

    contacts: ContactRepository
    cases: CaseRepository
    alerts: AlertRepository
    devices: DeviceRepository
    positions: PositionRepository
    risk: RiskRepository
    locks: VictimLocks
    _pack: StatutePack
    _warn_m: float
    _geo_cache: Memo | None = None
    _marked: Mapping[str, str | None] | None = None

    def _attach(self, session: Session, reader: Session | None = None) -> None:
        cases = SqlCases(session, self._pack)
        self.contacts, self.cases = SqlContacts(session, self._marked, cases), cases
        self.alerts = SqlAlerts(session)
        self.devices = SqlDevices(session, self._pack)
        self.positions = SqlPositions(session, self._pack, self._warn_m, self._geo_cache, reader)
        self.risk = SqlRisk(session)
        self.locks = SqlVictimLocks(session)

    def unavailable(self, exc: BaseException) -> bool:
        """The database was away or dropped the connection (see `db.unavailable`)."""
        return isinstance(exc, DBAPIError) and unavailable(exc)


class SqlUnitOfWork(_Repositories):
    """One session, one transaction; rolled back unless committed."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        pack: StatutePack,
        warn_m: float = 1000.0,
        geo_cache: Memo | None = None,
        read_factory: sessionmaker[Session] | None = None,
    ) -> None:
        self._factory, self._pack, self._warn_m = session_factory, pack, warn_m
        self._geo_cache = geo_cache
        # Reads of the position log go through a read-only session, so judging a batch
        # holds SQLite's write lock only while it writes (ingest keeps committing).
        self._read_factory = read_factory
        self.session: Session | None = None
        self.reader: Session | None = None

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        self.reader = self._read_factory() if self._read_factory else None
        self._attach(self.session, self.reader)
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
        if self.reader is not None:
            self.reader.close()
            self.reader = None

    def commit(self) -> None:
        """Make the transaction durable."""
        assert self.session is not None
        self.session.commit()

    def rollback(self) -> None:
        """Discard the transaction."""
        assert self.session is not None
        self.session.rollback()


class JoinedUnitOfWork(_Repositories):
    """A unit of work inside a transaction its caller owns, as a SAVEPOINT: `commit`
    releases it into the caller's transaction (durable when the caller commits), and a
    failure rolls back only what was done inside it.

    `marked`: events the caller stored already marked judged (id: the victim stored), so
    marking them needs no statement unless judging learns more about them.
    """

    def __init__(
        self,
        session: Session,
        pack: StatutePack,
        warn_m: float = 1000.0,
        marked: Mapping[str, str | None] | None = None,
    ) -> None:
        self.session, self._pack, self._warn_m = session, pack, warn_m
        self._marked = marked
        self._savepoint: SessionTransaction | None = None

    def __enter__(self) -> JoinedUnitOfWork:
        self._savepoint = self.session.begin_nested()
        self._attach(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._savepoint is not None
        if self._savepoint.is_active:
            self._savepoint.rollback()
        self._savepoint = None

    def commit(self) -> None:
        """Release the savepoint into the caller's transaction."""
        assert self._savepoint is not None
        self._savepoint.commit()

    def rollback(self) -> None:
        """Discard what was done since the savepoint."""
        assert self._savepoint is not None
        self._savepoint.rollback()
