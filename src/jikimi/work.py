"""The unit of work: one transaction, and the repositories it hands out."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

from jikimi.alerts.ports import AlertRepository
from jikimi.contacts.ports import CaseRepository, ContactRepository, VictimLocks
from jikimi.devices.ports import DeviceRepository, PositionRepository
from jikimi.risk.ports import RiskRepository


class UnitOfWork(Protocol):
    """One transaction: everything in it commits together or not at all."""

    contacts: ContactRepository
    cases: CaseRepository
    alerts: AlertRepository
    devices: DeviceRepository
    positions: PositionRepository
    risk: RiskRepository
    locks: VictimLocks

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make the transaction's changes durable."""
        ...

    def rollback(self) -> None:
        """Discard the transaction's changes."""
        ...

    def unavailable(self, exc: BaseException) -> bool:
        """True when `exc` means the store could not be reached or lost the connection:
        not the work's fault, and worth doing again once the store is back."""
        ...
