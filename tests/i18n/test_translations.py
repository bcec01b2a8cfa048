"""Every word of the interface has its Spanish (issue 20; docs/languages.md):

- every message marked in the code and the templates is in the committed catalog
  (locale/es/LC_MESSAGES/django.po, and djangojs.po for the scripts), translated, none fuzzy;
- the committed .mo files are those catalogs compiled;
- no template shows words outside a translation tag.
"""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.i18n import po, unmarked

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
DOMAINS = ("django", "djangojs")
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
# What makemessages reads nothing from (the same as docs/languages.md's command).
NOT_SOURCES = (".venv", "var", "tests", "bench", "node_modules", ".git", "locale")
TEMPLATE_FOLDERS = [ROOT / "templates", ROOT / "planner" / "jinja2"]


def catalog_path(language: str, domain: str, suffix: str = "po") -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{domain}.{suffix}"


# --- Every marked message is translated ----------------------------------------------------


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sources with the committed catalogs, after makemessages: the catalogs as
    the code marks them now, each message's translation kept from the committed one."""
    copy = tmp_path_factory.mktemp("sources") / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(*NOT_SOURCES, "__pycache__", "*.pyc", "media"),
    )
    shutil.copytree(LOCALE, copy / "locale")
    for domain in DOMAINS:
        for language in LANGUAGES:
            subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "makemessages",
                    f"--domain={domain}",
                    f"--locale={language}",
                    "--add-location=file",
                    "--no-obsolete",
                    *(f"--ignore={folder}/*" for folder in NOT_SOURCES),
                ],
                cwd=copy,
                check=True,
                capture_output=True,
            )
    return copy / "locale"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_message_is_in_the_catalog_and_translated(
    extracted: Path, language: str, domain: str
) -> None:
    committed = {entry.key for entry in po.read(catalog_path(language, domain))}
    fresh = po.read(extracted / language / "LC_MESSAGES" / f"{domain}.po")

    absent = [entry.shown() for entry in fresh if entry.msgid and entry.key not in committed]
    untranslated = [
        entry.shown() for entry in fresh if entry.msgid and entry.key in committed
        and not entry.translated
    ]  # fmt: skip

    assert not absent, (
        f"Marked in the code but not in {catalog_path(language, domain).relative_to(ROOT)} "
        "(run makemessages, then translate; docs/languages.md):\n" + "\n".join(absent)
    )
    assert not untranslated, (
        f"No translation (or a fuzzy one) in {catalog_path(language, domain).relative_to(ROOT)}:"
        "\n" + "\n".join(untranslated)
    )


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogs_header_is_not_fuzzy(language: str, domain: str) -> None:
    # msgfmt drops a fuzzy header, and with it the charset and the plural rule.
    header = po.read(catalog_path(language, domain))[0]
    assert header.msgid == "" and not header.fuzzy


# --- The compiled catalog is the committed one -----------------------------------------------


def compiled_catalog(path: Path) -> dict[object, str]:
    with path.open("rb") as mo:
        messages: dict[object, str] = dict(gettext.GNUTranslations(mo)._catalog)  # type: ignore[attr-defined]
    return messages


def expected_catalog(source: Path, tmp_path: Path) -> dict[object, str]:
    """The .po compiled: by msgfmt where gettext is installed, else read here alike."""
    if shutil.which("msgfmt"):
        target = tmp_path / f"{source.stem}.mo"
        subprocess.run(["msgfmt", "-o", str(target), str(source)], check=True)
        return compiled_catalog(target)
    entries = po.read(source)
    header = entries[0]
    # msgfmt leaves the POT's date out of the compiled header.
    header.msgstr[0] = "".join(
        line
        for line in header.msgstr[0].splitlines(keepends=True)
        if not line.startswith("POT-Creation-Date:")
    )
    return dict(po.catalog(entries))


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_is_the_po_compiled(language: str, domain: str, tmp_path: Path) -> None:
    committed = compiled_catalog(catalog_path(language, domain, "mo"))
    expected = expected_catalog(catalog_path(language, domain), tmp_path)

    stale = sorted(str(key) for key in expected.keys() ^ committed.keys())
    changed = sorted(str(key) for key in expected.keys() & committed.keys()
                     if expected[key] != committed[key])  # fmt: skip
    assert not stale and not changed, (
        f"{catalog_path(language, domain, 'mo').relative_to(ROOT)} is not its .po compiled: run "
        f"compilemessages. Differing: {(stale + changed)[:20]}"
    )


# --- No words outside a translation tag ----------------------------------------------------


def test_no_template_shows_words_outside_a_translation_tag() -> None:
    found = unmarked.scan(ROOT, TEMPLATE_FOLDERS, [])

    assert not found, "Words shown untranslated (docs/languages.md):\n" + "\n".join(
        str(finding) for finding in found
    )


@pytest.mark.parametrize(
    "source",
    [
        "<p>Hello</p>",
        '<img src="x.png" alt="A clamshell">',
        '<a href="x" title="More">{% translate "Go" %}</a>',
        '<input type="submit" value="Save">',
        '<nav aria-label="Main"></nav>',
        '<meta name="description" content="Home exercise">',
        "{% if a %}Done{% endif %}",
        "Plain text of an email {{ name }}",
    ],
)
def test_the_scanner_finds_bare_words(source: str) -> None:
    assert unmarked.findings(source)


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p>{% translate "Hello" %}</p>',
        '<img src="x.png" alt="{% translate "A clamshell" %}">',
        "<p>{{ var }}</p>",
        '<a href="x">{{ link.name }}</a>',
        "<p>{% blocktranslate trimmed with n=x %}\n  Hello {{ n }}\n{% endblocktranslate %}</p>",
        "{# a comment #}<!-- another -->{% comment %}and a third{% endcomment %}",
        '<script src="x.js"></script><style>body { color: red; }</style>',
        '<button type="submit" name="answer" value="accept">{% translate "Accept" %}</button>',
        '<input type="hidden" name="answer" value="accept">',
        "<p>&nbsp;&middot; 3/10 · {{ x }}</p>",
        "{% trans %}Jinja's block{% endtrans %}",
        # A published title, kept as written (HTML's own "do not translate").
        '<p>{% translate "From" %} <i translate="no">Why Do My Legs Hurt After Walking?</i></p>',
    ],
)
def test_the_scanner_passes_what_is_translated_or_no_words(source: str) -> None:
    assert unmarked.findings(source) == []


def test_the_scanner_names_the_file_and_line() -> None:
    source = '{% load i18n %}\n<h1>{% translate "Title" %}</h1>\n\n<p>\n  Forgotten words\n</p>\n'

    (finding,) = unmarked.findings(source, "templates/x.html")

    assert (finding.path, finding.line, finding.text) == ("templates/x.html", 5, "Forgotten words")


def test_the_libraries_messages_said_in_our_words_are_still_theirs() -> None:
    """planner/accounts/allauth_words.py repeats allauth's messages and Django's password
    rules to give them our Spanish: one reworded upstream would silently fall back to its own
    catalog's Spanish."""
    import allauth
    import django.contrib.auth

    from planner.accounts.allauth_words import ALLAUTH_MESSAGES, DJANGO_PASSWORD_RULES

    def msgids(package: str) -> set[str]:
        catalog = Path(package).parent / "locale" / "es" / "LC_MESSAGES" / "django.po"
        return {entry.msgid for entry in po.read(catalog)}

    allauths, djangos = msgids(allauth.__file__), msgids(django.contrib.auth.__file__)
    with translation.override("en"):
        # The rule with a plural, as it reads for one character.
        ours = [str(rule % {"min_length": 1}) for rule in DJANGO_PASSWORD_RULES]
    theirs = {message % {"min_length": 1} if "%(min_length)d" in message else message
              for message in djangos}  # fmt: skip

    assert [message for message in ALLAUTH_MESSAGES if message not in allauths] == []
    assert [message for message in ours if message not in theirs] == []
