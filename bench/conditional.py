"""Conditional GETs of every public page and file: does the project answer 304?

The addresses are read from the URL map: every GET of the public blueprint that takes no
argument, and one address of each public route that takes an id (`register_seed` picks them).
Each is asked plainly, then with `If-None-Match` its ETag, then with `If-Modified-Since` its
Last-Modified; and with `?lang=en`, which must set no cookie and vary on no cookie.
"""

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Check:
    address: str
    status: int
    if_none_match: int | None
    if_modified_since: int | None
    cookie_free: bool

    @property
    def verdict(self) -> str:
        """A redirect or a refusal (a query the address requires) has nothing to validate."""
        if self.status != 200:
            return "n/a"
        return "met" if self.met else "not met"

    @property
    def met(self) -> bool:
        answers = [self.if_none_match, self.if_modified_since]
        return all(status == 304 for status in answers if status is not None) and any(answers)


def public_addresses_without_arguments(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("public.") and "GET" in rule.methods and not rule.arguments
    )


def check(base: str, address: str) -> Check:
    status, headers = _get(base, address, {})
    etag, modified = headers.get("etag"), headers.get("last-modified")
    by_etag = _get(base, address, {"If-None-Match": etag})[0] if etag else None
    by_date = _get(base, address, {"If-Modified-Since": modified})[0] if modified else None
    separator = "&" if "?" in address else "?"
    _status, chosen = _get(base, f"{address}{separator}lang=en", {})
    vary = chosen.get("vary", "").lower()
    cookie_free = "set-cookie" not in chosen and "cookie" not in vary
    return Check(address, status, by_etag, by_date, cookie_free)


def report(checks: list[Check]) -> None:
    print(f"\n{'address':<40}{'GET':>5}{'If-None-Match':>15}{'If-Modified-Since':>19}", end="")
    print(f"{'?lang=en cookie-free':>22}   goal 304")
    for item in checks:
        print(
            f"{item.address:<40}{item.status:>5}{_shown(item.if_none_match):>15}"
            f"{_shown(item.if_modified_since):>19}{'yes' if item.cookie_free else 'NO':>22}"
            f"   {item.verdict}"
        )
    answered = [item for item in checks if item.status == 200]
    met = sum(item.met for item in answered)
    print(f"304 on conditional GET: {met} of the {len(answered)} public addresses answering 200")


def _shown(status: int | None) -> str:
    return "no validator" if status is None else str(status)


def _get(base: str, address: str, headers: dict) -> tuple[int, dict]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.request("GET", address, headers=headers)
        response = connection.getresponse()
        response.read()
        joined: dict[str, str] = {}
        for name, value in response.getheaders():
            joined[name.lower()] = ", ".join(filter(None, [joined.get(name.lower()), value]))
        return response.status, joined
    finally:
        connection.close()
