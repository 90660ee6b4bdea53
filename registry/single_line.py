"""Text that must stay on one line: names in an email's Subject, a feed's titles."""

import re

# Control characters (Unicode category Cc: C0, DEL, C1) and the Unicode line and paragraph
# separators: a mail client breaks a header's line on them.
BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def has_line_breaks(text: str) -> bool:
    """Whether `text` holds a control character or a line separator."""
    return BREAKS.search(text) is not None


def one_line(text: str) -> str:
    """`text` with each run of control characters and line separators made one space."""
    return BREAKS.sub(" ", text).strip()
