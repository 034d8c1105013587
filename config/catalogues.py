"""The translation catalogues (locale/<language>/LC_MESSAGES/django.po and djangojs.po).

`python -m config.catalogues` compiles each .po into the .mo Django reads, with polib, so
`make run` and `make test` need no GNU gettext; the .mo files are build output, not in git,
and a .mo older than its .po is rebuilt.

`python -m config.catalogues --extract` (`make messages`) brings every catalogue up to the
strings in the code with Django's makemessages (GNU gettext's xgettext): new strings arrive
untranslated, strings gone from the code leave. tests/i18n/test_catalogues.py runs it on a
copy and fails on any message left untranslated or fuzzy.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
# Not shown to patients or clinicians, or not ours.
IGNORED = (".venv/*", "node_modules/*", "build/*", "tests/*", "bench/*", "scripts/*",
           "staticfiles/*", "var/*", "test-artifacts/*", "docs/*")
DOMAINS = ("django", "djangojs")


def extract(root: Path = ROOT) -> None:
    """Every catalogue under root/locale brought up to the code under root."""
    from django.conf import settings

    ignored = [argument for pattern in IGNORED for argument in ("-i", pattern)]
    languages = [
        argument
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE  # English is the code's own
        for argument in ("-l", code)
    ]
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-d", domain, *languages, "--no-obsolete",
             "--add-location=file", "--verbosity=0", *ignored],
            cwd=root, check=True,
        )


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{\{ *(\w+) *\}\}")


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def _formats(text: str, names: set[str]) -> bool:
    try:
        text % {name: 1 for name in names}
    except (ValueError, TypeError, KeyError):
        return False
    return True


def problems(catalogue: polib.POFile) -> list[str]:
    """What stops a catalogue from being complete: a message untranslated or fuzzy, a plural
    with fewer forms than the language has (Arabic has six), or a translation whose
    placeholders differ from the original's (which would fail, or say the wrong number, when
    the page is drawn)."""
    found = []
    match = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    plural_forms = int(match.group(1)) if match else 2
    for entry in catalogue:
        if entry.obsolete:
            continue
        label = entry.msgid[:60]
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {label!r}")
            continue
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [
            entry.msgstr
        ]
        if entry.msgid_plural and len(translations) != plural_forms:
            # gettext falls back to the English for a form the entry lacks.
            found.append(f"{len(translations)} of {plural_forms} plural forms: {label!r}")
            continue
        if not translations or any(not t.strip() for t in translations):
            found.append(f"untranslated: {label!r}")
            continue
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for index, translation in enumerate(translations):
            extra = placeholders(translation) - expected
            # The forms for one, two or few may say the number in words ("une nuit"); the
            # last, general form keeps every value.
            last = index == len(translations) - 1
            missing = expected - placeholders(translation) if last else set()
            if extra or missing:
                found.append(f"placeholders {sorted(extra | missing)} differ: {label!r}")
            elif "python-format" in entry.flags and not _formats(translation, expected):
                # A lone "%" ("50 %" for "50%%") fails when the page is drawn.
                found.append(f"the translation does not format: {label!r}")
    return found


def compile_catalogues(locale: Path = LOCALE) -> list[Path]:
    """Every .po under `locale` as a .mo beside it; returns the files written."""
    written = []
    for po_path in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = polib.pofile(str(po_path))
        # Django skips fuzzy entries too: a guess is never shown as a translation.
        for entry in catalogue.fuzzy_entries():
            entry.msgstr = ""
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
        catalogue.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    if "--extract" in sys.argv[1:]:
        import os

        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
        extract()
    written = compile_catalogues()
    print(f"translation catalogues: {len(written)} compiled" if written else
          "translation catalogues: up to date")
    sys.exit(0)
