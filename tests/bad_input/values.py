"""The malformed values the bad-input test sends, and the names it sends them under where a
route's pages name none."""

from urllib.parse import quote

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
# The payloads as they would stand in a page that failed to escape them.
UNESCAPED = (SCRIPT, "<img src=x onerror=alert(1)>")

TEXTS = [
    "A" * 20_000,  # beyond every field's length
    "Zürich, Genève " * 1_000,
    "line one\r\nX-Injected: yes\r\n\r\nbody",
    "before\x00after",
    "\x1b[31mred\x1b[0m",
    "".join(chr(code) for code in range(1, 32)) + "\x7f\x85\u2028\u2029",
    "\u202etxt.exe \u200b\ufeff",
    "😀" * 300,
    "e\u0301" * 500,
    "   ",
    SCRIPT,
    ATTRIBUTE,
    "javascript:alert(1)",
    '=HYPERLINK("http://x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "%(name)s %s {0} {{7*7}} ${7*7}",
    "' OR 1=1 --",
    "../../../etc/passwd",
    "a@b",
    "x" * 300 + "@example.com",
    "not-a-choice",
]
DATES = ["2026-02-30", "99999-01-01", "", "0001-01-01", "9999-12-31", "2026-13-01", "01/02/2026"]
NUMBERS = ["abc", "1.5", "-1", "0", "2147483648", "9" * 30, "1e309", "NaN", "-Infinity", "0x1f"]
MALFORMED = TEXTS + DATES + NUMBERS
# A field of these kinds gets its own values first, then the first texts.
VALUES_BY_KIND = {"date": DATES + TEXTS[:4], "number": NUMBERS + TEXTS[:4]}
# Values for a query parameter: what a link or a hand-edited address can hold.
QUERY_VALUES = [*TEXTS[:1], *TEXTS[2:7], *TEXTS[9:14], *TEXTS[17:20], *DATES, *NUMBERS]
# Values sent in every parameter of a page at once: a guard that reads them all must hold.
EVERYWHERE = [TEXTS[0], TEXTS[2], TEXTS[3], SCRIPT, "2026-02-30", "9" * 30]

JSON_VALUES = [None, [], {}, "", 0, -1, 2**64, 1.5, True, [SCRIPT], {"x": SCRIPT}]
JSON_VALUES += [*TEXTS[:8], SCRIPT, ATTRIBUTE, *DATES]
# Bodies the JSON routes take, whose every leaf is replaced in turn; others get GENERIC_KEYS.
JSON_EXAMPLES = {
    "public.api_verdicts": {
        "on": "2026-11-02",
        "transfers": [
            {
                "country": "IN",
                "role": "follow_the_sun",
                "ground": {"tool": "scc", "scc_module": 3, "signed_on": "2025-01-15"},
                "measures": ["T-REMOTE-ACCESS-CONTROLS"],
                "importer": {
                    "dpf": {
                        "listed": True,
                        "name": "Listed Inc.",
                        "scope": "non_hr",
                        "verified_on": "2026-01-01",
                        "recertification_due": "2027-01-01",
                    },
                    "subject_to_pipeda": False,
                },
                "hr_data": False,
                "recipient_protection": "A statute of the importer's country.",
                "assessment": {
                    "conclusion": "acceptable",
                    "approved_on": "2026-01-01",
                    "next_review": "2027-01-01",
                },
            },
            {
                "country": "US",
                "ground": {
                    "tool": "bcr",
                    "group": "G",
                    "kind": "bcr_p",
                    "approved_on": "2020-01-01",
                    "importer_bound": True,
                },
            },
            {
                "country": "BR",
                "ground": {
                    "tool": "derogation",
                    "derogation": "49(1)(a)",
                    "justification": "Consent",
                    "occasional": True,
                },
            },
            {"country": "CH", "ground": {"tool": "adequacy", "decision": "2000/518/EC"}},
        ],
    }
}
GENERIC_KEYS = ["id", "name", "country", "on", "email", "transfers", "tool", "__proto__"]
RAW_JSON = [
    b"[" * 50_000 + b"]" * 50_000,
    b'{"on": "2026-11-02", "transfers": [',
    b'{"transfers": [{"country": NaN, "hr_data": Infinity}]}',
    b'{"transfers": [{"country": "\xff\xfe"}]}',
    b'{"transfers": [{"country": "IN"}], "transfers": 1}',
]

# Query parameters tried on every page, beside those its links and forms use.
GENERIC_QUERY = ["page", "on", "assume_ended", "lang", "next", "q", "country", "confirmed"]
# Form fields sent to a POST route whose form no page shows.
GENERIC_FIELDS = ["name", "email", "reason", "comment", "state", "id"]
# Address segments in place of a converter's real value, already encoded.
INT_SEGMENTS = ["999999", str(2**31), str(2**63), "-1", "0", "1.5", "abc"]
STRING_SEGMENTS = ["x", "%00", "..", quote(SCRIPT, safe=""), "a" * 3_000, "%FF%FE", "%E2%80%AE"]
# A session cookie not signed by us, and a language cookie no language has.
ODD_COOKIES = f"session=e30.junk.junk; lang={quote(SCRIPT)}; lang=de"
# What a reader types into a required field left empty, by the field's kind.
FILLERS = {
    "email": "filled-in@example.com",
    "url": "https://example.com",
    "date": "2026-01-15",
    "number": "1",
    "password": "correct horse battery staple",
}
TEXTUAL = {"text", "textarea", "email", "url", "search", "tel", "password"}


def leaves(value, path=()):
    """The paths to every leaf of a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path


def replaced(value, path, new):
    """`value` with the leaf at `path` replaced by `new`."""
    if not path:
        return new
    head, *rest = path
    if isinstance(value, dict):
        return {**value, head: replaced(value[head], rest, new)}
    return [
        replaced(item, rest, new) if index == head else item for index, item in enumerate(value)
    ]
