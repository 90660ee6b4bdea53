"""Countries by ISO 3166-1 alpha-2 code, their names in a language, and membership of the EEA."""

import gettext
import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import cache

import pycountry

# The European Economic Area: the Member States of the European Union plus Iceland, Liechtenstein
# and Norway, which apply the GDPR through the EEA Agreement from 20 July 2018 (Decision of the EEA
# Joint Committee No 154/2018, OJ L 183, 19.7.2018, p. 23), and Directive 95/46/EC before it.
# Membership is a fact in time; these are the members since 2000 with the day each joined or the
# first day it was no longer in (None: before 2000, or still in).
# Sources: https://european-union.europa.eu/principles-countries-history/eu-countries_en;
# https://www.efta.int/eea/enlargement-of-the-eea; Agreement on the EEA, OJ L 1, 3.1.1994, p. 3.
EEA_MEMBERSHIP: dict[str, tuple[date | None, date | None]] = {
    **{
        code: (None, None)
        for code in (
            "AT",
            "BE",
            "DE",
            "DK",
            "ES",
            "FI",
            "FR",
            "GR",
            "IE",
            "IT",
            "LU",
            "NL",
            "PT",
            "SE",
            "IS",
            "LI",
            "NO",
        )
    },
    # Acts of Accession of 2003 (OJ L 236, 23.9.2003), of 2005 (OJ L 157, 21.6.2005) and of 2012
    # (OJ L 112, 24.4.2012).
    **{
        code: (date(2004, 5, 1), None)
        for code in (
            "CY",
            "CZ",
            "EE",
            "HU",
            "LT",
            "LV",
            "MT",
            "PL",
            "SI",
            "SK",
        )
    },
    "BG": (date(2007, 1, 1), None),
    "RO": (date(2007, 1, 1), None),
    "HR": (date(2013, 7, 1), None),
    # The United Kingdom left on 31 January 2020, but Union law, the GDPR included, applied to it
    # until the transition period ended on 31 December 2020 (Withdrawal Agreement, OJ L 29,
    # 31.1.2020, Articles 126 and 127); Gibraltar with it (Art. 355(3) TFEU).
    "GB": (None, date(2021, 1, 1)),
    "GI": (None, date(2021, 1, 1)),
    # Territories with a code of their own that are part of the Union: the French outermost
    # regions (Art. 355(1) and Art. 349 TFEU) and the Åland Islands (Art. 355(4) TFEU, Protocol 2
    # to the 1994 Act of Accession). Mayotte became an outermost region on 1 January 2014
    # (European Council Decision 2012/419/EU). The Canary Islands, the Azores and Madeira share
    # the codes of Spain and Portugal.
    **{code: (None, None) for code in ("GF", "GP", "MQ", "RE", "MF", "AX")},
    "YT": (date(2014, 1, 1), None),
    # Saint-Barthélemy left the Union for the status of an overseas country or territory on
    # 1 January 2012 (European Council Decision 2010/718/EU).
    "BL": (None, date(2012, 1, 1)),
}

# Not EEA members, but for a while not third countries either: from the end of the transition
# period until the UK's adequacy decision, transfers to the United Kingdom were not transfers to
# a third country (EU-UK Trade and Cooperation Agreement, Art. FINPROV.10A, OJ L 149, 30.4.2021).
# (first day, first day no longer)
INTERIM_NOT_THIRD_COUNTRY: dict[str, tuple[date, date]] = {
    "GB": (date(2021, 1, 1), date(2021, 6, 28)),
}


class InvalidCountryCode(ValueError):
    """A country code that is not an ISO 3166-1 alpha-2 code; `code` is what was given."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class MalformedCountryCode(InvalidCountryCode):
    """Not two letters at all, such as "DEU" or "1"."""


class UnknownCountryCode(InvalidCountryCode):
    """Two letters that ISO 3166-1 does not assign, such as "ZZ"."""


def country_code(text: str) -> str:
    """Return `text` as an upper-case ISO 3166-1 alpha-2 code.

    Raises MalformedCountryCode unless it is two ASCII letters (surrounding blanks are ignored),
    and UnknownCountryCode if ISO 3166-1 does not assign those two letters to a country.
    """
    code = text.strip()
    # ASCII first: "ß".upper() is "SS", which is South Sudan.
    if len(code) != 2 or not (code.isascii() and code.isalpha()):
        raise MalformedCountryCode(text)
    code = code.upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise UnknownCountryCode(text)
    return code


def is_eea(code: str, on: date) -> bool:
    """Whether the country with this alpha-2 code was in the European Economic Area on `on`
    (the caller's day: the engine never reads a clock)."""
    if code not in EEA_MEMBERSHIP:
        return False
    joined, left = EEA_MEMBERSHIP[code]
    return (joined is None or joined <= on) and (left is None or on < left)


def interim_not_third_country(code: str, on: date) -> bool:
    """Whether a transfer to this country on `on` was, by an interim arrangement, not a transfer
    to a third country (INTERIM_NOT_THIRD_COUNTRY)."""
    period = INTERIM_NOT_THIRD_COUNTRY.get(code)
    return period is not None and period[0] <= on < period[1]


def country_name(code: str, language: str = "en") -> str:
    """The country's short name in `language`, falling back to English where none is translated.

    Raises UnknownCountryCode for a code ISO 3166-1 does not assign.
    """
    names = _names(language)
    if code not in names:
        raise UnknownCountryCode(code)
    return names[code]


def by_name(codes: Iterable[str], language: str = "en") -> list[tuple[str, str]]:
    """The countries with these codes as (code, name in `language`), in alphabetical order of name.

    Raises UnknownCountryCode for a code ISO 3166-1 does not assign.
    """
    named = [(code, country_name(code, language)) for code in codes]
    return sorted(named, key=lambda item: alphabetical_key(item[1]))


def countries_assigned() -> list[str]:
    """Every code ISO 3166-1 assigns to a country."""
    return [country.alpha_2 for country in pycountry.countries]


def flag(code: str) -> str:
    """The emoji flag of a country: its two regional indicator symbols."""
    return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in code)


@cache
def _names(language: str) -> dict[str, str]:
    translation = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )
    names = {}
    for country in pycountry.countries:
        # "South Korea" reads better than "Korea, Republic of"; pycountry translates both forms.
        common = getattr(country, "common_name", None) or country.name
        names[country.alpha_2] = translation.gettext(common)
    return names


def alphabetical_key(name: str) -> str:
    """A sort key that files accented letters with their base letter: "Österreich" with the O's.

    Good enough for the Latin scripts the registry serves.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
