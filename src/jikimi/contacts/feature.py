"""The contacts feature's registrations: the phone's and the operator's reports, judged
against telecom bans in the worker's first inbox."""

from __future__ import annotations

from sqlalchemy import exists

from jikimi.contacts import handlers, routes, tables
from jikimi.contacts.messages import JudgeContacts, JudgeStoredContacts
from jikimi.contacts.tables import ContactEvent
from jikimi.core.feature import Feature, Inbox
from jikimi.core.tables import table_of

_E = table_of(ContactEvent).c

FEATURE = Feature(
    name="contacts",
    # The phones' reports come first: a request is matched against each route in turn.
    routers=(routes.phone_router, routes.router),
    handlers={
        JudgeContacts: handlers.judge_contacts,
        # On ingest, in the transaction that stores the events (`Container.judge_stored`).
        JudgeStoredContacts: handlers.judge_stored_contacts,
    },
    one_by_one={JudgeContacts: handlers.judge_contacts_one_by_one},
    tables=tables,
    inboxes=(
        Inbox(
            "contacts",
            lambda settings: JudgeContacts(settings.worker_batch),
            waiting=exists().where(_E.processed_at.is_(None)),
            escalate_between=True,
        ),
    ),
)
