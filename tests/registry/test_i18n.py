import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "registry" / "translations"


def test_lang_de_shows_the_page_in_german_with_german_country_names(client, make_subprocessor):
    make_subprocessor(locations=[("GB", "processing")])
    page = client.get("/subprocessors?lang=de").text
    assert '<html lang="de">' in page
    assert "<h1>Unterauftragsverarbeiter</h1>" in page
    assert "Vereinigtes Königreich" in page
    assert "Angemessenheitsbeschluss" in page


def test_lang_fr_shows_the_page_in_french_with_french_country_names(client, make_subprocessor):
    make_subprocessor(locations=[("US", "support_access")])
    page = client.get("/subprocessors?lang=fr").text
    assert '<html lang="fr">' in page
    assert "<h1>Sous-traitants ultérieurs</h1>" in page
    assert "États-Unis" in page
    assert "Accès à distance pour le support" in page


def test_vocabulary_terms_show_in_the_language_chosen(client, make_subprocessor, make_term):
    from registry.models import Service

    make_subprocessor(
        services=[make_term(Service, name="Cloud PBX", translations={"fr": "Standard cloud"})]
    )
    assert "Standard cloud" in client.get("/subprocessors?lang=fr").text


def test_a_country_is_shown_with_its_flag_as_a_decorative_image_not_an_emoji(
    client, make_subprocessor
):
    make_subprocessor(locations=[("JP", "processing")])
    page = client.get("/subprocessors").text
    flag = '<img class="flag" src="/static/flags/jp.svg" alt="" width="20" height="15">'
    assert re.search(re.escape(flag) + r'\s*<span class="place"><strong>Japan</strong>', page)
    assert "\U0001f1ef\U0001f1f5" not in page
    with client.get("/static/flags/jp.svg") as image:
        assert image.mimetype == "image/svg+xml"


def test_the_flag_is_markup_built_with_escaping_and_nothing_for_a_code_without_one(app):
    from registry.i18n import country_flag

    with app.test_request_context():
        assert country_flag("lu") == (
            '<img class="flag" src="/static/flags/lu.svg" alt="" width="20" height="15">'
        )
        assert country_flag('"><script>') == ""
        assert country_flag("XK") == ""  # Kosovo: no ISO 3166-1 code, no flag file


def test_every_country_has_its_flag_in_static():
    from transfers.countries import countries_assigned

    flags = ROOT / "static" / "flags"
    assert {code.lower() for code in countries_assigned()} <= {
        path.stem for path in flags.glob("*.svg")
    }
    assert (flags / "LICENSE").read_text().startswith("The MIT License")


def test_the_language_chosen_on_a_page_of_forms_is_remembered_in_a_cookie(client):
    client.get("/subscribe?lang=fr")
    page = client.get("/subprocessors").text
    assert '<html lang="fr">' in page


def test_a_cached_page_in_a_chosen_language_links_on_in_that_language(client):
    page = client.get("/subprocessors?lang=fr").text
    assert 'href="/changes?lang=fr"' in page


def test_accept_language_chooses_when_nothing_else_does(client):
    page = client.get("/subprocessors", headers={"Accept-Language": "de-DE,de;q=0.9"}).text
    assert '<html lang="de">' in page


def test_lang_in_the_address_wins_over_cookie_and_accept_language(client):
    client.get("/subprocessors?lang=fr")
    page = client.get("/subprocessors?lang=de", headers={"Accept-Language": "fr"}).text
    assert '<html lang="de">' in page


def test_english_is_the_language_when_the_reader_asks_for_none_we_have(client):
    page = client.get("/subprocessors", headers={"Accept-Language": "ja"}).text
    assert '<html lang="en">' in page


def test_an_unknown_language_is_a_400_naming_the_languages_available(client):
    response = client.get("/subprocessors?lang=xx")
    assert response.status_code == 400
    assert "The language “xx” is not available." in response.text
    assert "en (English), de (Deutsch), fr (Français)" in response.text


def test_responses_say_they_vary_with_the_language(client):
    vary = client.get("/subprocessors").headers["Vary"]
    assert "Accept-Language" in vary
    assert "Cookie" in vary


def test_the_language_links_keep_the_filters(client, make_subprocessor):
    make_subprocessor(locations=[("IN", "follow_the_sun")])
    page = client.get("/subprocessors?country=IN").text
    assert 'href="/subprocessors?country=IN&amp;lang=de"' in page


@pytest.mark.parametrize("language", ["de", "fr"])
def test_every_message_is_translated_and_none_is_fuzzy(language):
    catalog = _catalog(language)
    untranslated = [
        message.id
        for message in catalog
        if message.id and (message.fuzzy or not all(_strings(message.string)))
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_catalogs_hold_every_message_of_the_code_and_templates(language, tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as extracted_file:
        extracted = {message.id for message in read_po(extracted_file) if message.id}
    in_catalog = {message.id for message in _catalog(language) if message.id}
    assert sorted(map(str, extracted - in_catalog)) == [], "run `make messages` and translate"


def _catalog(language):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as catalog_file:
        return read_po(catalog_file)


def _strings(string):
    return string if isinstance(string, tuple) else (string,)


def test_a_regional_accept_language_finds_its_language(client):
    page = client.get("/subprocessors", headers={"Accept-Language": "de-CH, en;q=0.5"}).text
    assert '<html lang="de">' in page


def test_lang_is_read_in_any_case(client):
    assert '<html lang="de">' in client.get("/subprocessors?lang=DE").text


def test_an_empty_lang_is_ignored(client):
    response = client.get("/subprocessors?lang=", headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text


def test_the_language_cookie_is_http_only_and_same_site(client):
    cookie = client.get("/subscribe?lang=de").headers["Set-Cookie"]
    assert cookie.startswith("lang=de;")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_a_refused_language_is_not_remembered(client):
    response = client.get("/subprocessors?lang=xx")
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("language", ["de", "fr"])
def test_every_translation_keeps_the_placeholders_of_its_message(language):
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for message in _catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set(placeholder.findall(ids[-1]))
        for translated in _strings(message.string):
            assert set(placeholder.findall(translated)) == expected, message.id
