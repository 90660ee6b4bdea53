"""Writes at the same moment: each request in a thread of its own, with its own client and
session, on the test database (a file on SQLite, or PostgreSQL). The checks a service makes
before it writes hold on both databases, so one effect is stored, whoever comes second."""

import re
import threading

import pytest
import sqlalchemy as sa

from registry import audit
from registry.extensions import db
from registry.models import (
    AuditEvent,
    ChangeKind,
    ChangeNotice,
    DataCategory,
    DataSubjectCategory,
    MessageKind,
    NoticeState,
    Objection,
    OutboxMessage,
    Purpose,
    RecipientCategory,
    RegisterSnapshot,
    Service,
    Subprocessor,
    Subscriber,
)
from registry.models.accounts import Role, User
from registry.notices import changes
from registry.register import state
from tests.web import csrf_token, log_in

AT_ONCE = 4


def at_once(requests) -> list[int]:
    """Send the requests from as many threads, released together; their statuses."""
    start = threading.Barrier(len(requests))
    statuses: list[int | BaseException] = [0] * len(requests)

    def send(position, request):
        start.wait()
        try:
            statuses[position] = request().status_code
        except BaseException as error:  # noqa: BLE001  (the test reports it below)
            statuses[position] = error

    threads = [threading.Thread(target=send, args=item) for item in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    errors = [status for status in statuses if isinstance(status, BaseException)]
    assert not errors, errors
    return statuses


@pytest.fixture
def admins(app, make_user):
    """AT_ONCE clients, each logged in as an admin of its own."""
    clients = []
    for number in range(AT_ONCE):
        make_user(email=f"admin{number}@example.com", role=Role.ADMIN)
        client = app.test_client()
        assert log_in(client, f"admin{number}@example.com").status_code == 302
        clients.append(client)
    return clients


def _posting(client, url, form_page, /, **fields):
    data = {"csrf_token": csrf_token(client, form_page), **fields}
    return lambda: client.post(url, data=data)


def _count(app, query) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def test_one_draft_announced_by_four_admins_at_once_gets_one_notice(
    app, admins, make_subprocessor, clock
):
    draft_id = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    address = f"/admin/subprocessors/{draft_id}/announce/addition"
    statuses = at_once(
        [_posting(client, address, "/admin/changes", confirmed="1") for client in admins]
    )
    assert sorted(statuses) == [302, 400, 400, 400]
    assert _count(app, sa.select(ChangeNotice).where(ChangeNotice.subprocessor_id == draft_id)) == 1
    kinds = sa.select(OutboxMessage.kind).where(OutboxMessage.kind == MessageKind.NOTICE_ANNOUNCED)
    assert _count(app, kinds) == 0  # nobody subscribed: and no other notice fanned out


def test_one_notice_withdrawn_by_four_admins_at_once_is_withdrawn_once(
    app, admins, make_subprocessor, clock
):
    notice_id = _announced(app, make_subprocessor)
    address = f"/admin/changes/{notice_id}/withdraw"
    requests = [
        _posting(client, address, "/admin/changes", reason=f"Withdrawn by admin {number}")
        for number, client in enumerate(admins)
    ]
    statuses = at_once(requests)
    assert sorted(statuses) == [302, 400, 400, 400]
    with app.app_context():
        assert db.session.get(ChangeNotice, notice_id).state is NoticeState.WITHDRAWN
    withdrawals = sa.select(AuditEvent).where(AuditEvent.action == "notice.withdrawn")
    assert _count(app, withdrawals) == 1


def test_one_address_subscribed_four_times_at_once_is_one_subscriber_with_one_email(app):
    clients = [app.test_client() for _ in range(AT_ONCE)]
    requests = [
        _posting(client, "/subscribe", "/subscribe", email="dpo@customer.example", language="en")
        for client in clients
    ]
    assert at_once(requests) == [302] * AT_ONCE
    assert _count(app, sa.select(Subscriber)) == 1
    confirmations = sa.select(OutboxMessage).where(
        OutboxMessage.kind == MessageKind.SUBSCRIPTION_CONFIRMATION
    )
    assert _count(app, confirmations) == 1


def _announced(app, make_subprocessor) -> int:
    draft_id = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    with app.app_context():
        notice = changes.announce(
            ChangeKind.ADDITION, db.session.get(Subprocessor, draft_id), "dpo@example.com"
        )
        db.session.commit()
        return notice.id


def test_one_draft_name_drafted_by_four_admins_at_once_is_one_draft_and_three_form_errors(
    app, admins, make_term, make_entity
):
    terms = {
        "recipient_category": make_term(RecipientCategory).id,
        "purposes": make_term(Purpose).id,
        "services": make_term(Service).id,
        "data_categories": make_term(DataCategory).id,
        "data_subject_categories": make_term(DataSubjectCategory).id,
        "entities": make_entity(name="Mixvoip SA").id,
    }
    fields = {
        "name": "Nimbus Cloud",
        "legal_name": "Nimbus Cloud Inc.",
        "country": "US",
        "address": "1 Main Street, Boston, USA",
        **terms,
    }
    requests = [
        _posting(client, "/admin/subprocessors", "/admin/subprocessors/new", **fields)
        for client in admins
    ]
    assert sorted(at_once(requests)) == [302, 400, 400, 400]
    assert _count(app, sa.select(Subprocessor)) == 1


def test_one_user_added_by_four_admins_at_once_is_one_user_and_three_form_errors(app, admins):
    fields = {"email": "new@example.com", "role": "viewer", "password": "a long password"}
    requests = [_posting(client, "/admin/users", "/admin/users", **fields) for client in admins]
    assert sorted(at_once(requests)) == [302, 400, 400, 400]
    assert _count(app, sa.select(User).where(User.email == "new@example.com")) == 1


def test_four_objections_at_once_are_four_objections_on_an_unbroken_trail(
    app, make_subprocessor, clock
):
    notice_id = _announced(app, make_subprocessor)
    address = f"/changes/{notice_id}/object"
    requests = [
        _posting(
            app.test_client(),
            address,
            address,
            organisation=f"Customer {number}",
            customer_reference=f"C-{number}",
            contact_name="Dana Scully",
            contact_email=f"dpo{number}@customer.example",
            grounds="Not in our region.",
        )
        for number in range(AT_ONCE)
    ]
    assert at_once(requests) == [302] * AT_ONCE
    assert _count(app, sa.select(Objection)) == AT_ONCE
    with app.app_context():
        assert audit.verify().intact


def test_a_get_that_writes_is_not_refused_by_a_write_made_since_it_began_reading(app, client):
    """On SQLite a GET begins deferred; its write takes the lock through `writes.committed`."""
    from registry import writes

    @app.get("/_visit_for_test")
    def visit():
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))  # the page reads
        with db.engine.begin() as another_request:  # and another request writes meanwhile
            another_request.execute(sa.insert(Service).values(code="pbx", name="Cloud PBX"))
        writes.committed(lambda: audit.record("visitor", "register.visited", "register"))
        return "recorded"

    assert client.get("/_visit_for_test").status_code == 200
    assert _count(app, sa.select(AuditEvent).where(AuditEvent.action == "register.visited")) == 1


def test_four_corrections_at_once_are_four_snapshots_the_last_of_them_the_register_now(
    app, admins, make_subprocessor, clock
):
    entries = [make_subprocessor(address=f"{number} Harbor Rd") for number in range(AT_ONCE)]
    requests = []
    for client, entry in zip(admins, entries, strict=True):
        page = f"/admin/subprocessors/{entry.id}"
        fields = {
            f"editorial-{name}": getattr(entry, name) for name in ("name", "legal_name", "website")
        }
        data = {
            "editorial-csrf_token": re.search(
                r'id="editorial-csrf_token"[^>]*value="([^"]+)"', client.get(page).text
            ).group(1),
            "editorial-address": f"{entry.id} Harbour Road",
            "editorial-reason": "A typo",
            **fields,
        }
        requests.append(
            lambda client=client, page=page, data=data: client.post(f"{page}/editorial", data=data)
        )
    assert at_once(requests) == [302] * AT_ONCE
    with app.app_context():
        hashes = list(
            db.session.scalars(sa.select(RegisterSnapshot.sha256).order_by(RegisterSnapshot.id))
        )
        now = state.sha256_of(state.canonical_bytes(state.register_state()))
    assert len(hashes) == len(set(hashes)) == AT_ONCE
    assert hashes[-1] == now
