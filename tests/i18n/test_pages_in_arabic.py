"""Every page of the demo, read in Arabic by its patients and by dr.rivera (who sees every
demo patient), has no English sentence left: this finds the strings the static check cannot,
the ladder's evidence, the association's sentences and everything else built in Python."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import LanguagePreference
from diary.models import Patient, timezone_choices
from insights.evidence import REFERENCES, RULE_SOURCES

pytestmark = pytest.mark.django_db

# Words that only English uses; any of them on an Arabic page is English the reader cannot
# read. (Codes, units and names are not words here.)
ENGLISH = frozenset({
    "the", "and", "your", "you", "of", "with", "is", "are", "was", "were", "not", "to", "for",
    "this", "that", "on", "no", "yes", "from", "after", "before", "night", "nights", "cramp",
    "cramps", "settings", "log", "save", "since", "when", "what", "which", "there", "their",
    "been", "has", "have",
})
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                 "source", "track", "wbr"}
# Text the patients and clinicians typed, and names: data, shown as it was written.
DATA_APPS = ("diary", "programming", "clinic", "insights", "notify", "exchange", "auth")
NOT_DATA = {"insights.Flag"}  # its stored English is the record; pages must translate it


class VisibleText(HTMLParser):
    """The page's text and visible attributes, less scripts and styles, less what the page
    itself says is English (lang="en": quotations of the English sources) and less what it
    says is not language (translate="no": an authenticator key, recovery codes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.open: list[bool] = []  # per open element: does it hide its content?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        hides = (tag in ("script", "style") or given.get("lang") == "en"
                 or given.get("translate") == "no")
        if tag not in VOID_ELEMENTS:
            self.open.append(hides)
            self.hidden += hides
        if not self.hidden:
            self.parts += [value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_ELEMENTS and self.open:
            self.hidden -= self.open.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def typed_text() -> list[str]:
    """Every free-text value stored (notes, names, models): longest first."""
    values: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in DATA_APPS or model._meta.label in NOT_DATA:
            continue
        fields = [
            f.name for f in model._meta.get_fields()
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices
            and f.name != "password"
        ]
        for row in model._default_manager.values_list(*fields) if fields else []:
            values |= {value.strip() for value in row if isinstance(value, str) and value.strip()}
    return sorted(values, key=len, reverse=True)


def source_titles() -> list[str]:
    """The English titles of the clinical sources and of their sections: translators keep
    them (beside a translation) so a clinician can find the article."""
    titles = [str(ref.title).strip("“”") for ref in REFERENCES.values()]
    sections = {str(quote.section) for quotes in RULE_SOURCES.values() for quote in quotes}
    titles += [re.sub(r"^section “|”$", "", section) for section in sections]
    return titles


def english_left(text: str, typed: list[str], shared: frozenset[str] = frozenset()) -> list[str]:
    """Runs of English around each English-only word left in the text, once the typed values,
    the sources' English titles and the time zones' names are taken out. `shared`: words the
    page's language writes too (Spanish "no", German "was")."""
    with translation.override("en"):
        kept = source_titles()
    # Time zones are named by their IANA names ("Europe/Isle of Man"), the same everywhere;
    # taken out first, before a typed value can cut into one ("Pain" in "Spain").
    zones = sorted((label for _zone, label in timezone_choices()), key=len, reverse=True)
    for value in [*zones, *typed, *kept]:
        text = text.replace(value, " ")
    words = WORD.findall(text)
    return [
        " ".join(words[max(0, i - 3): i + 4])
        for i, word in enumerate(words)
        if word.lower() in ENGLISH - shared
    ]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--force", stdout=io.StringIO())
        for user in User.objects.all():
            LanguagePreference.objects.update_or_create(user=user, defaults={"language": "ar"})
        yield
        transaction.set_rollback(True)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def clinician_pages(patient: Patient) -> Iterator[str]:
    pk = patient.pk
    for name in ("clinic:patient", "clinic:medication-add", "clinic:outcome-settings",
                 "programming:planned-trial", "programming:program", "programming:visit-new"):
        yield reverse(name, args=[pk])
    for medication in patient.medications.all()[:2]:
        yield reverse("clinic:medication-kind", args=[pk, medication.pk])
    for device in patient.devices.all():
        for visit in device.visits.all()[:2]:
            yield reverse("programming:visit", args=[pk, visit.pk])


def patient_pages(patient: Patient) -> Iterator[str]:
    for name in ("diary:home", "diary:log-cramp", "diary:history", "diary:medications",
                 "diary:night-new", "diary:outcome", "diary:remote-change", "exchange:my-data",
                 "notify:preferences", "accounts:password-change"):
        yield reverse(name)
    for night in patient.nights.all()[:3]:
        yield reverse("diary:night", args=[night.pk])


def check(client: Client, urls: Iterator[str], typed: list[str]) -> list[str]:
    found = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'dir="rtl"' in response.content.decode()[:400], url
        found += [f"{url}: …{words}…" for words in english_left(
            visible_text(response.content.decode()), typed)]
    return found


def test_the_clinicians_pages_in_arabic_have_no_english_left(seeded) -> None:
    rivera = User.objects.get(username="dr.rivera")
    typed = typed_text()
    client = client_for(rivera)
    urls = [reverse("clinic:cohort"), reverse("insights:ladder-rules"),
            reverse("clinic:patient-new"), reverse("notify:preferences"),
            reverse("accounts:two-factor")]
    found = check(client, iter(urls), typed)
    for patient in Patient.objects.filter(care_team=rivera).order_by("pk"):
        found += check(client, clinician_pages(patient), typed)
    assert not found, "English on Arabic pages:\n" + "\n".join(found)


def test_the_patients_pages_in_arabic_have_no_english_left(seeded) -> None:
    typed = typed_text()
    found = []
    for patient in Patient.objects.select_related("user").order_by("pk"):
        found += check(client_for(patient.user), patient_pages(patient), typed)
    assert not found, "English on Arabic pages:\n" + "\n".join(found)


def test_the_log_in_page_in_arabic(client: Client) -> None:
    client.cookies["django_language"] = "ar"
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert not english_left(visible_text(response.content.decode()), [])


def test_the_check_skips_what_the_page_marks_as_not_language() -> None:
    # A random authenticator key once read "NO FK RT A": a word the check looks for.
    html = '<p>مفتاح: <code translate="no" dir="ltr">OCMZ JNNL MUNO FKRT</code></p><p>the</p>'
    assert visible_text(html) == "مفتاح: the"
    assert english_left(visible_text(html), []) == ["the"]


def test_the_authenticator_key_reads_left_to_right_on_an_arabic_page(seeded) -> None:
    response = client_for(User.objects.get(username="dr.rivera")).get(
        reverse("accounts:two-factor"))
    assert response.status_code == 200
    key = re.search(r'<code[^>]*>([A-Z2-7 ]+)</code>', response.content.decode())
    assert key and 'translate="no"' in key.group(0) and 'dir="ltr"' in key.group(0)
