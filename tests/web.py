"""Helpers for tests that act through HTTP: forms' CSRF tokens, logging in, a client at an
address."""

import re

PASSWORD = "correct horse battery"


def client_from(app, address: str):
    """A test client whose requests come from `address`, as rate limits see it."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def csrf_token(client, address="/admin/login"):
    page = client.get(address).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def log_in(client, email, password=PASSWORD, next_address=None):
    address = "/admin/login" + (f"?next={next_address}" if next_address else "")
    return client.post(
        address, data={"csrf_token": csrf_token(client), "email": email, "password": password}
    )
