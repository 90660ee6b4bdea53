"""A large register for the benches: the demo data, then N subprocessors × 3 locations.

The subprocessors are written straight through the models in batches, not through the services:
the bench measures reading the register, and a write path with audit events and notices for
10,000 rows would cost minutes that measure nothing it reports.
"""

import os
import random
import time
from dataclasses import dataclass
from datetime import date

COUNTRIES = ["DE", "FR", "LU", "BE", "NL", "IE", "FI", "US", "GB", "CH", "IN", "JP", "CA"]
BATCH = 1_000

# The day the bench's register is built for: the engine takes the day from its caller.
DAY = date(2026, 11, 30)


@dataclass(frozen=True)
class Seeded:
    """How long the seed took, and the public addresses that take an id, one of each."""

    seconds: float
    addresses_with_ids: list[str]


def seed(environment: dict, count: int) -> Seeded:
    """Migrate the database `environment` names, load the demo data and add `count` rows."""
    started = time.perf_counter()
    os.environ.update(environment)
    from flask_migrate import upgrade

    from registry import create_app
    from registry.demo import load_demo
    from registry.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        _add_subprocessors(db, count)
        addresses = _addresses_with_ids(db)
        db.engine.dispose()
    return Seeded(time.perf_counter() - started, addresses)


def _add_subprocessors(db, count: int) -> None:
    from registry.models import (
        DataCategory,
        DataSubjectCategory,
        Entity,
        LocationRole,
        Purpose,
        RecipientCategory,
        Service,
        Subprocessor,
        SubprocessorStatus,
    )

    terms = {
        kind: list(db.session.scalars(db.select(kind)))
        for kind in (RecipientCategory, Purpose, Service, DataCategory, DataSubjectCategory)
    }
    entities = list(db.session.scalars(db.select(Entity)))
    chance = random.Random(2026)
    roles = list(LocationRole)
    for number in range(count):
        countries = chance.sample(COUNTRIES, 3)
        db.session.add(
            Subprocessor(
                name=f"Bench Subprocessor {number:05d}",
                legal_name=f"Bench Subprocessor {number:05d} GmbH",
                address=f"Benchstraße {number}, 10115 Berlin, Germany",
                country_code=countries[0],
                website=f"https://bench-{number}.example",
                status=SubprocessorStatus.ACTIVE,
                recipient_category=chance.choice(terms[RecipientCategory]),
                purposes=chance.sample(terms[Purpose], 2),
                services=chance.sample(terms[Service], 2),
                data_categories=chance.sample(terms[DataCategory], 3),
                data_subject_categories=chance.sample(terms[DataSubjectCategory], 2),
                entities=chance.sample(entities, 2),
                locations=[_location(code, chance.choice(roles)) for code in countries],
            )
        )
        if (number + 1) % BATCH == 0:
            db.session.flush()
    db.session.commit()


def _location(code: str, role):
    from registry.models import LocationMeasure, ProcessingLocation
    from transfers.countries import is_eea
    from transfers.grounds import TransferTool

    if is_eea(code, DAY):
        return ProcessingLocation(country_code=code, role=role)
    if code in ("US", "GB", "CH", "JP", "CA"):
        return ProcessingLocation(country_code=code, role=role, transfer_tool=TransferTool.ADEQUACY)
    return ProcessingLocation(
        country_code=code,
        role=role,
        transfer_tool=TransferTool.SCC,
        scc_module=3,
        measures=[LocationMeasure(code="T-ENCRYPTED-STORAGE"), LocationMeasure(code="O-POLICIES")],
    )


def _addresses_with_ids(db) -> list[str]:
    """One subprocessor page, one notice, one snapshot's files and one country's API answer."""
    from registry.models import ChangeNotice, RegisterSnapshot, Subprocessor

    addresses = ["/api/v1/countries/US"]
    subprocessor = db.session.scalar(db.select(Subprocessor.id).order_by(Subprocessor.id))
    addresses.append(f"/subprocessors/{subprocessor}")
    notice = db.session.scalar(db.select(ChangeNotice.id).order_by(ChangeNotice.id))
    if notice is not None:
        addresses.append(f"/changes/{notice}")
    snapshot = db.session.scalar(db.select(RegisterSnapshot.id).order_by(RegisterSnapshot.id))
    if snapshot is not None:
        addresses += [f"/snapshots/{snapshot}.json", f"/snapshots/{snapshot}.sig"]
    return addresses
