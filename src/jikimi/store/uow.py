"""The SQLAlchemy unit of work: the only thing that commits."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from jikimi.domain.orders import StatutePack
from jikimi.engine.ports import AlertRepository, CaseRepository, ContactRepository
from jikimi.store.db import unavailable
from jikimi.store.repositories import SqlAlerts, SqlCases, SqlContacts


class SqlUnitOfWork:
    """One session, one transaction; rolled back unless committed."""

    contacts: ContactRepository
    cases: CaseRepository
    alerts: AlertRepository

    def __init__(self, session_factory: sessionmaker[Session], pack: StatutePack) -> None:
        self._factory, self._pack = session_factory, pack
        self.session: Session | None = None

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        self.contacts = SqlContacts(self.session)
        self.cases = SqlCases(self.session, self._pack)
        self.alerts = SqlAlerts(self.session)
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

    def unavailable(self, exc: BaseException) -> bool:
        """The database was away or dropped the connection (see `db.unavailable`)."""
        return isinstance(exc, DBAPIError) and unavailable(exc)
