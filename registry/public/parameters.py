"""Reading what the public asks in a query string: a day, a what-if, a country.

Each reader raises BadParameter with a message, in the reader's language, that says what is
accepted; views turn it into a 400 page or JSON error.
"""

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from registry import clock
from registry.register.transfer_records import Judgement
from transfers import adequacy
from transfers.adequacy import UnknownDecision
from transfers.countries import MalformedCountryCode, UnknownCountryCode, country_code

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
FIRST_DAY = date(2000, 1, 1)  # the decisions file covers every decision in force since


class BadParameter(ValueError):
    """A query parameter that cannot be used; the message says what is accepted."""


def read_judgement(args: MultiDict) -> Judgement:
    """The day (`on`) and the what-if (`assume_ended`, repeatable) asked for in `args`.

    Raises BadParameter.
    """
    if len(args.getlist("on")) > 1:
        raise BadParameter(_("Give “%(name)s” only once.", name="on"))
    day = read_day(args.get("on", "").strip())
    ended = {}
    for reference in args.getlist("assume_ended"):
        if not reference.strip():
            continue
        try:
            ended[adequacy.decision(reference).number] = day
        except UnknownDecision:
            in_force = ", ".join(entry.number for entry in adequacy.in_force(clock.today()))
            raise BadParameter(
                _(
                    "“%(value)s” is not an adequacy decision. Name one by its number, such as "
                    "%(choices)s.",
                    value=reference,
                    choices=in_force,
                )
            ) from None
    return Judgement(day, ended or None)


def read_page(args: MultiDict) -> int:
    """The page of a long list asked for (`page`, counted from 1; 1 if not given).

    Raises BadParameter. Whether the page exists depends on the list: see `past_the_end`.
    """
    given = args.getlist("page")
    if len(given) > 1:
        raise BadParameter(_("Give “%(name)s” only once.", name="page"))
    text = given[0].strip() if given else ""
    if not text:
        return 1
    if len(text) > 9 or not text.isascii() or not text.isdigit() or int(text) < 1:
        raise BadParameter(
            _("“%(value)s” is not a page number: give a whole number from 1.", value=text)
        )
    return int(text)


def past_the_end(page: int, pages: int) -> str:
    """Why page `page` of a list of `pages` pages cannot be shown."""
    return ngettext(
        "There is no page %(page)s: this list has %(num)d page.",
        "There is no page %(page)s: this list has %(num)d pages; ask for one from 1 to %(num)d.",
        pages,
        page=page,
    )


def read_day(text: str) -> date:
    """A day written YYYY-MM-DD, today if `text` is empty. Raises BadParameter."""
    if not text:
        return clock.today()
    try:
        if not ISO_DAY.fullmatch(text):
            raise ValueError(text)  # fromisoformat also takes "20270101" and week dates
        day = date.fromisoformat(text)
    except ValueError:
        raise BadParameter(
            _("“%(value)s” is not a date: use YYYY-MM-DD, such as 2027-01-01.", value=text)
        ) from None
    if day < FIRST_DAY:
        raise BadParameter(
            _(
                "The registry knows the adequacy decisions from 1 January 2000 on; "
                "ask for a later day."
            )
        )
    return day


def read_past_day(text: str, name: str = "on") -> date:
    """A day of the register's history, written YYYY-MM-DD: today or earlier. Raises
    BadParameter, naming the parameter."""
    day = read_day(text.strip()) if text.strip() else None
    if day is None:
        raise BadParameter(
            _("Give “%(name)s” as a date: YYYY-MM-DD, such as 2027-01-01.", name=name)
        )
    if day > clock.today():
        raise BadParameter(
            _(
                "%(day)s is still to come: the register of a day is known once the day has "
                "begun. Ask for today or an earlier day.",
                day=day.isoformat(),
            )
        )
    return day


def read_country(text: str) -> str:
    """An ISO 3166-1 alpha-2 code, in any case. Raises BadParameter."""
    try:
        return country_code(text)
    except MalformedCountryCode:
        raise BadParameter(
            _(
                "“%(value)s” is not a country code: use the two letters of ISO 3166-1, "
                "such as DE or US.",
                value=text,
            )
        ) from None
    except UnknownCountryCode:
        raise BadParameter(_("“%(value)s” is not a country in ISO 3166-1.", value=text)) from None
