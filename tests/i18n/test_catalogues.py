"""Each language's catalogue is complete for the code as it is: re-extracted on a copy of the
project, no message is untranslated or fuzzy and every placeholder survives translation."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings

from config.catalogues import extract, placeholders, problems

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "var", "staticfiles", "test-artifacts", "build",
    "db.sqlite3*", "private-media", "*.mo", "__pycache__", "docs", "*.egg-info",
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext's xgettext is needed to check the catalogues: "
                    "apt-get install gettext (.ci/run does)")
    copy = tmp_path_factory.mktemp("project") / "stimdiary"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    extract(copy)
    return copy / "locale"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_covers_every_string_in_the_code(extracted: Path, language: str) -> None:
    path = extracted / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"no catalogue for {language}: make messages, then translate it"
    found = problems(polib.pofile(str(path)))
    assert not found, f"{language}: run `make messages` and translate:\n" + "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_in_git_is_the_extracted_one(extracted: Path, language: str) -> None:
    """No message in git that the code no longer has (an old sentence a reader never sees)."""
    for committed in (ROOT / "locale" / language / "LC_MESSAGES").glob("*.po"):
        fresh = polib.pofile(str(extracted / language / "LC_MESSAGES" / committed.name))
        kept = {(e.msgctxt, e.msgid) for e in polib.pofile(str(committed)) if not e.obsolete}
        assert kept == {(e.msgctxt, e.msgid) for e in fresh}, (
            f"{committed.relative_to(ROOT)} differs from the code: run `make messages`"
        )


# The check of the check.

CATALOGUE = '''
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\\\\n"

msgid "Saved."
msgstr "Gespeichert."

msgid "Cramps on %(n)s nights."
msgstr ""

#, fuzzy
msgid "Log a cramp"
msgstr "Einen Krampf"

msgid "Since %(date)s"
msgstr "Seit %(datum)s"

msgid "%(counter)s night"
msgid_plural "%(counter)s nights"
msgstr[0] "Eine Nacht"
msgstr[1] ""
'''


def test_the_check_finds_untranslated_fuzzy_and_broken_placeholders() -> None:
    found = problems(polib.pofile(CATALOGUE))
    assert found == [
        "untranslated: 'Cramps on %(n)s nights.'",
        "fuzzy: 'Log a cramp'",
        "placeholders ['date', 'datum'] differ: 'Since %(date)s'",
        "untranslated: '%(counter)s night'",
    ]


def test_the_check_finds_a_plural_with_fewer_forms_than_the_language_has() -> None:
    arabic = polib.pofile(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 '
        ': n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;\\n"\n\n'
        'msgid "%(n)s night"\nmsgid_plural "%(n)s nights"\n'
        'msgstr[0] "%(n)s ليلة"\nmsgstr[1] "%(n)s ليالٍ"\n'
    )
    assert problems(arabic) == ["2 of 6 plural forms: '%(n)s night'"]


def test_the_check_finds_a_lone_percent_sign_that_would_fail_the_page() -> None:
    german = polib.pofile(
        'msgid ""\nmsgstr ""\n\n#, python-format\nmsgid "%(value)s%%"\nmsgstr "%(value)s %"\n'
        '\n#, python-format\nmsgid "%(n)s of 10"\nmsgstr "%(n)s von 10"\n'
    )
    assert problems(german) == ["the translation does not format: '%(value)s%%'"]


def test_placeholders_of_python_and_templates() -> None:
    assert placeholders("%(n)s of %(total)d on {{ date }}") == {"n", "total", "date"}
