"""Reading what the registry sent: the `.eml` files the worker writes when no SMTP server is
configured, and the links in them."""

import email
import re
from email import policy
from email.message import EmailMessage
from pathlib import Path

from flask import Flask


def delivered(app: Flask) -> list[EmailMessage]:
    """Every message in instance/mail/, oldest first."""
    directory = Path(app.instance_path) / "mail"
    files = sorted(directory.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    return [email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def link_in(message: EmailMessage, path_prefix: str) -> str:
    """The path and query of the first link in the text part whose path starts with
    `path_prefix`, ready for the test client."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}[^\s]*)", text_of(message))
    assert match, f"no link to {path_prefix} in:\n{text_of(message)}"
    return match.group(1)
