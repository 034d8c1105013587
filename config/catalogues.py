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
    ignored = [argument for pattern in IGNORED for argument in ("-i", pattern)]
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-d", domain, "-a", "--no-obsolete",
             "--add-location=file", "--verbosity=0", *ignored],
            cwd=root, check=True,
        )


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
        extract()
    written = compile_catalogues()
    print(f"translation catalogues: {len(written)} compiled" if written else
          "translation catalogues: up to date")
    sys.exit(0)
