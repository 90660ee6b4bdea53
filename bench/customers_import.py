"""A generated file of 5,000 customers (XLSX) imported through the admin pages, as an editor
does it: the upload and its preview page, then the confirmation, read to its end. Each step is
printed beside a reference measured in the same run on the same rows: openpyxl merely reading
the file, and a bare executemany INSERT of the rows into a table of their own (sqlite3, one
transaction). The ratios say what the checks, the services and the audit trail cost over
reading and writing the bytes; never fails on timing.

    make bench    # or: .venv/bin/python bench/customers_import.py --rows 5000
"""

import argparse
import io
import os
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    arguments = _arguments()
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as instance:
        os.environ["INSTANCE_PATH"] = instance
        app, client = _registry(instance)
        data = _workbook(app, arguments.rows)
        reading = _timed(lambda: _read_only(data))
        inserting = _bare_insert(data, Path(instance) / "bare.sqlite3")
        preview, address = _preview(client, data)
        applying = _timed(lambda: _confirm(client, address))
    size = len(data) / 1024
    print(
        f"customers import: {arguments.rows} rows, XLSX of {size:,.0f} KiB: "
        f"openpyxl reading it {reading:.2f} s; bare executemany INSERT {inserting:.2f} s"
    )
    print(
        f"customers import: upload and preview page {preview:.2f} s "
        f"= {preview / reading:.1f} x reading the file"
    )
    print(
        f"customers import: confirmation applied and streamed {applying:.2f} s "
        f"= {applying / inserting:.0f} x the bare INSERT "
        f"({applying / arguments.rows * 1000:.1f} ms a customer, with its audit event)"
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000)
    return parser.parse_args()


def _registry(instance: str):
    """A migrated database with the demo data, and a client logged in as an editor."""
    from flask_migrate import upgrade

    from registry import accounts, create_app
    from registry.demo import load_demo
    from registry.extensions import db
    from registry.models.accounts import Role

    app = create_app(
        {
            "SECRET_KEY": "bench",
            "AUDIT_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.sqlite3",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        load_demo()
        accounts.create_user("editor@example.com", "correct horse battery", Role.EDITOR, "bench")
        db.session.commit()
    client = app.test_client()
    token = _token(client, "/admin/login")
    client.post(
        "/admin/login",
        data={
            "csrf_token": token,
            "email": "editor@example.com",
            "password": "correct horse battery",
        },
    )
    return app, client


def _workbook(app, count: int) -> bytes:
    import sqlalchemy as sa

    from registry.customers import sheets
    from registry.extensions import db
    from registry.models import Entity, Service

    with app.app_context():
        entity = db.session.scalar(sa.select(Entity.name).order_by(Entity.id))
        codes = db.session.scalars(sa.select(Service.code).order_by(Service.id)).all()
    rows = [
        [
            f"B-{number:06d}",
            f"Bench Customer {number} SA",
            entity,
            "; ".join(codes[: 1 + number % 2]),
            ("general", "specific")[number % 2],
            30 + number % 60,
            "",
            "2025-01",
            "2025-01-15",
            ("en", "de", "fr")[number % 3],
            f"Contact {number} <contact{number}@customer{number}.example> (DPO)",
            "",
        ]
        for number in range(count)
    ]
    return sheets.xlsx_bytes(rows)


def _read_only(data: bytes) -> int:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    return sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))


def _bare_insert(data: bytes, path: Path) -> float:
    """Seconds to insert the file's rows with executemany, once they are read."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    header, *rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    columns = ", ".join(header)
    connection.execute(f"CREATE TABLE customer_row ({columns})")
    with connection:
        marks = ", ".join("?" for _ in header)
        connection.executemany(f"INSERT INTO customer_row VALUES ({marks})", rows)
    connection.close()
    return time.perf_counter() - started


def _preview(client, data: bytes) -> tuple[float, str]:
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    token = _token(client, "/admin/customers/import")
    values = {"csrf_token": token, "file": FileStorage(io.BytesIO(data), "bench.xlsx")}
    boundary, body = encode_multipart(values)
    started = time.perf_counter()
    response = client.post(
        "/admin/customers/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    address = response.headers["Location"]
    page = client.get(address)
    elapsed = time.perf_counter() - started
    assert "Confirm the import" in page.text, page.text[-2000:]
    return elapsed, address


def _confirm(client, address: str) -> None:
    token = _token(client, address)
    response = client.post(f"{address}/confirm", data={"csrf_token": token})
    assert "Done:" in response.get_data(as_text=True)


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _token(client, address: str) -> str:
    page = client.get(address).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


if __name__ == "__main__":
    main()
