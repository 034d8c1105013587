"""Every template and every user-facing Python string is marked for translation
(tests/i18n/unmarked.py says what counts), and the check itself catches what it should."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.unmarked import unmarked_in_paths, unmarked_in_python, unmarked_in_template

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "clinic", "config", "diary", "exchange", "insights", "notify", "programming")


def test_every_template_and_user_facing_python_string_is_marked() -> None:
    paths = [str(ROOT / "templates"), *(str(ROOT / app) for app in APPS)]
    found = [str(item).replace(str(ROOT) + "/", "") for item in unmarked_in_paths(paths)]
    assert not found, "Not marked for translation:\n" + "\n".join(found)


# The check of the check: each of these must be found, and its marked twin must not.


@pytest.mark.parametrize(
    ("unmarked", "marked"),
    [
        ("<p>Log a cramp</p>", "<p>{% translate 'Log a cramp' %}</p>"),
        ('<input placeholder="Notes">', '<input placeholder="{% translate \'Notes\' %}">'),
        ('<a title="Open the night" href="#">1</a>', '<a title="{% translate "Open" %}">1</a>'),
        ('<button aria-label="Close"></button>', '<button aria-label="{{ close }}"></button>'),
        ('<input type="submit" value="Save">', '<input type="submit" value="{{ save }}">'),
        ("<td>{{ n }} nights</td>",
         "<td>{% blocktranslate count counter=n %}{{ counter }} night{% plural %}"
         "{{ counter }} nights{% endblocktranslate %}</td>"),
        ("Cramps: {{ n }}\n", "{% translate 'Cramps' %}: {{ n }}\n"),
    ],
)
def test_the_template_check_finds_unmarked_text(unmarked: str, marked: str) -> None:
    assert unmarked_in_template(unmarked)
    assert not unmarked_in_template(marked)


def test_the_template_check_ignores_what_no_one_reads() -> None:
    source = (
        "{# a comment #}{% comment %}Notes for us{% endcomment %}"
        "<script>var words = 'not shown';</script><style>p { color: red }</style>"
        '<input type="hidden" value="no-cramps"><p class="card text-end">{{ value }} mA · 3</p>'
    )
    assert unmarked_in_template(source) == []


@pytest.mark.parametrize(
    ("unmarked", "marked"),
    [
        ('messages.success(request, "Saved your night.")',
         'messages.success(request, _("Saved your night."))'),
        ('raise ValidationError("Choose a date.")', 'raise ValidationError(_("Choose a date."))'),
        ('raise ValidationError(f"Up to {n} mA.")',
         'raise ValidationError(_("Up to %(n)s mA.") % {"n": n})'),
        ('form.add_error("date", "Not in the future.")',
         'form.add_error("date", _("Not in the future."))'),
        ('x = forms.CharField(label="Notes")', 'x = forms.CharField(label=_("Notes"))'),
        ('x = forms.CharField(help_text="Say more")', 'x = forms.CharField(help_text=_("Say"))'),
        ('x = models.BooleanField("Remind me", default=True)',
         'x = models.BooleanField(_("Remind me"), default=True)'),
        ('KIND_CHOICES = [("evening", "Evening reminder")]',
         'KIND_CHOICES = [("evening", _("Evening reminder"))]'),
        ('x = forms.ChoiceField(choices=[("a", "Always")])',
         'x = forms.ChoiceField(choices=[("a", pgettext("frequency", "Always"))])'),
        ("class Kind(models.TextChoices):\n    EVENING = 'evening', 'Evening reminder'\n",
         "class Kind(models.TextChoices):\n    EVENING = 'evening', _('Evening reminder')\n"),
        ('ax.set_title("Cramps per night")', 'ax.set_title(_("Cramps per night"))'),
        ('ax.text(0.5, 0.5, "No nights logged")', 'ax.text(0.5, 0.5, _("No nights logged"))'),
        ('x = forms.IntegerField(error_messages={"invalid": "A whole number"})',
         'x = forms.IntegerField(error_messages={"invalid": _("A whole number")})'),
        ('@admin.action(description="Approve the erasure")\ndef f(): pass\n',
         '@admin.action(description=_("Approve the erasure"))\ndef f(): pass\n'),
    ],
)
def test_the_python_check_finds_unmarked_strings(unmarked: str, marked: str) -> None:
    assert unmarked_in_python(unmarked)
    assert not unmarked_in_python(marked)


def test_the_python_check_leaves_codes_alone() -> None:
    source = (
        'KIND_CHOICES = [("evening", _("Evening"))]\n'
        'x = forms.CharField(label=_("Notes"), widget=forms.TextInput(attrs={"rows": 3}))\n'
        'logger.warning("a push to user %s failed", 3)\n'
        'raise Http404("No such patient.")\n'
        'writer.writerow(["date", "cramps"])\n'
    )
    assert unmarked_in_python(source) == []
