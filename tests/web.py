"""Helpers for tests that act through HTTP."""


def client_from(app, address: str):
    """A test client whose requests come from `address`, as rate limits see it."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client
