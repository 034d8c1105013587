"""Issue 23 through the public surface: a scheduled ABAB design the clinic recorded reads as a
design in `analyze --json` and on the page, its washout nights reported apart; marked as a
planned trial, the JSON names the trial."""

from __future__ import annotations

import html
import io
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from insights.data import today_for
from tests.factories import change_settings, local, log_nights
from tests.insights.test_association import cramp_flags

RATES = [0.05, 0.45, 0.9]
EPOCH_KEYS = {
    "start", "end", "settings", "stimulation_on", "nights_elapsed", "nights_logged", "adherence",
    "cramp_nights", "cramps", "cramps_per_logged_night", "cramp_night_rate",
    "cramp_night_interval", "mean_severity", "mean_benefit", "benefit_nights",
    "made_because_of_cramps",
}


def scheduled_abab(patient, field: str, levels: list, **fixed) -> object:
    """Nine clinic changes recorded with reason "other", twelve nights each, ending last night;
    cramps on 5%, 45% and 90% of nights at the lowest, middle and highest level."""
    ordered = sorted(set(levels))
    first = today_for(patient) - timedelta(days=12 * len(levels))
    for i, level in enumerate(levels):
        start = first + timedelta(days=12 * i)
        change_settings(patient, local(patient, start, 12), reason="other",
                        **{field: level, **fixed})
        log_nights(patient, start, cramp_flags(RATES[ordered.index(level)], 12, offset=0.5))
    return first


def analyze_json(username: str) -> dict:
    out = io.StringIO()
    call_command("analyze", username, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(("field", "levels", "fixed", "name"), [
    ("amplitude", ["1.0", "2.0", "3.0", "1.0", "3.0", "2.0", "1.0", "3.0", "2.0"],
     {"amplitude_unit": "V"}, "amplitude"),
    ("amplitude", ["1.0", "2.0", "3.0", "1.0", "3.0", "2.0", "1.0", "3.0", "2.0"], {},
     "amplitude"),
    ("pulse_width_us", [150, 210, 270, 150, 270, 210, 150, 270, 210], {}, "pulse_width_us"),
])
def test_a_scheduled_abab_design_gives_rho_and_p_in_analyze_json(
    alice, field, levels, fixed, name
) -> None:
    cache.clear()
    scheduled_abab(alice, field, levels, **fixed)
    result = analyze_json("alice")
    c = result["correlations"][name]
    assert c["rho"] is not None and c["rho"] > 0.9
    assert c["p"] is not None and c["p"] < 0.05
    assert c["n"] == c["n_epochs"] == 9
    assert "washout" in c["method"]
    sentence = result["correlation_sentences"][name]["sentence"]
    assert "had more cramp nights" in sentence and "not proof" in sentence
    epochs = result["epochs"][-9:]
    assert not any(e["made_because_of_cramps"] for e in epochs)
    # The keys already there are kept; the washout is added beside them.
    assert set(epochs[0]) >= EPOCH_KEYS
    top = epochs[2]  # the highest level, 11 of 12 nights with cramps
    assert (top["washout_nights"], top["washout_nights_logged"]) == (3, 3)
    assert top["washout_cramp_nights"] + top["settled_cramp_nights"] == top["cramp_nights"]
    assert top["settled_nights_logged"] == 9
    assert top["planned_trial"] is None


def test_the_page_reports_the_washout_nights_apart(alice, lee_client) -> None:
    cache.clear()
    scheduled_abab(alice, "amplitude",
                   ["1.0", "2.0", "3.0", "1.0", "3.0", "2.0", "1.0", "3.0", "2.0"])
    result = analyze_json("alice")
    page = html.unescape(
        lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    )
    assert "The first 3 nights after each change are shown apart" in page
    assert "Of which in the first 3 nights" in page
    top = result["epochs"][-7]
    assert f"{top['washout_cramp_nights']} of {top['washout_nights_logged']} logged" in page
    assert result["correlation_sentences"]["amplitude"]["sentence"] in page


def test_a_trial_marked_by_the_clinician_is_read_as_the_trial(alice, lee_client) -> None:
    cache.clear()
    first = scheduled_abab(alice, "amplitude",
                           ["1.0", "2.0", "3.0", "1.0", "3.0", "2.0", "1.0", "3.0", "2.0"],
                           amplitude_unit="V")
    response = lee_client.post(reverse("programming:planned-trial", args=[alice.pk]), {
        "parameter": "amplitude", "first_night": first.isoformat(),
        "last_night": (first + timedelta(days=12 * 9 - 1)).isoformat(),
    })
    assert response.status_code == 302
    result = analyze_json("alice")
    c = result["correlations"]["amplitude"]
    assert c["p"] is not None and c["p"] < 0.05 and c["n_epochs"] == 9
    assert "planned trial (order fixed in advance, not drawn at random)" in c["method"]
    sentence = result["correlation_sentences"]["amplitude"]["sentence"]
    assert sentence.startswith("In the planned trial, the settings periods at a higher amplitude")
    trial = [e["planned_trial"] for e in result["epochs"]]
    assert trial[0] is None  # the initial settings, before the trial
    assert all(t == {"parameter": "amplitude", "first_night": first.isoformat(),
                     "last_night": (first + timedelta(days=107)).isoformat(),
                     "order_randomised": False} for t in trial[1:])
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    assert "part of a planned trial" in page
