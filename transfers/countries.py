"""Countries by ISO 3166-1 alpha-2 code, their names in a language, and membership of the EEA."""

import gettext
import unicodedata
from collections.abc import Iterable
from functools import cache

import pycountry

# The European Economic Area: the 27 Member States of the European Union plus Iceland, Liechtenstein
# and Norway, which apply the GDPR through the EEA Agreement (Decision of the EEA Joint Committee
# No 154/2018, OJ L 183, 19.7.2018, p. 23).
# Source for the Member States: https://european-union.europa.eu/principles-countries-history/eu-countries_en
EU_MEMBER_STATES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip
# Source: Agreement on the European Economic Area, OJ L 1, 3.1.1994, p. 3, and
# https://www.efta.int/eea (Iceland, Liechtenstein, Norway).
EEA_EFTA_STATES = frozenset({"IS", "LI", "NO"})
EEA = EU_MEMBER_STATES | EEA_EFTA_STATES


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
    code = text.strip().upper()
    if len(code) != 2 or not (code.isascii() and code.isalpha()):
        raise MalformedCountryCode(text)
    if pycountry.countries.get(alpha_2=code) is None:
        raise UnknownCountryCode(text)
    return code


def is_eea(code: str) -> bool:
    """Whether the country with this alpha-2 code is in the European Economic Area today."""
    return code in EEA


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
    return sorted(named, key=lambda item: _collation_key(item[1]))


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


def _collation_key(name: str) -> str:
    # Good enough for the Latin scripts we serve: "Österreich" sorts with the O's, not after Z.
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
