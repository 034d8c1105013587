"""A clinician on a laptop: a programming visit, the charts and flags, a CSV; and the wall
between care teams."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from insights.models import Flag
from programming.models import SettingsRecord
from tests.browser.conftest import horizontal_overflow, log_in, screenshot
from tests.factories import PASSWORD, log_nights, make_clinician, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def patient_with_active_cramps(username: str):
    """Four quiet weeks, then cramps on most of the last ten nights: step 1 of the ladder."""
    pattern = [0] * 30 + [1, 0, 2, 1, 0, 1, 1, 0, 1, 1]
    implanted = timezone.now().date() - timedelta(days=len(pattern) + 5)
    patient = make_patient(
        username,
        timezone="Europe/Amsterdam",
        implanted_on=implanted,
        initial_at=datetime.combine(implanted, time(11, 0), tzinfo=ZoneInfo("Europe/Amsterdam")),
    )
    last_night = patient.last_completed_night()
    log_nights(patient, last_night - timedelta(days=len(pattern) - 1), pattern)
    return patient


def test_a_clinician_records_a_visit_reads_the_charts_acknowledges_a_flag_and_exports(
    open_page,
) -> None:
    alice = patient_with_active_cramps("alice")
    carmen = make_patient("carmen", timezone="Europe/Madrid", therapy="drg")
    last_night = carmen.last_completed_night()
    log_nights(carmen, last_night - timedelta(days=13), [0, 0, 1, 0, None, 0, 0, 0, 0, 0, 0, 0])
    make_clinician("dr.lee", patients=(alice, carmen))
    page = open_page(phone=False)
    log_in(page, "dr.lee")

    expect(page).to_have_url(re.compile(r"/clinic/$"))
    expect(page.get_by_role("link", name="alice")).to_be_visible()
    screenshot(page, "clinician-cohort")
    page.get_by_role("link", name="alice").click()
    expect(page).to_have_url(re.compile(rf"/clinic/patients/{alice.pk}/$"))

    page.get_by_role("link", name="Record settings only").click()
    page.get_by_label("Reason").select_option(label="Other")
    page.get_by_label("Electrode configuration").fill("0-3+")
    page.get_by_label("Note").fill("Checked impedances; new electrode pair.")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/clinic/patients/{alice.pk}/$"))
    visit = SettingsRecord.objects.for_patient(alice).current().timeline_order().last()
    assert visit.electrode_configuration == "0-3+"
    assert visit.source == "clinic"

    # The whole diary's timeline is shown on request: open it, so every chart is checked.
    page.get_by_text("Show the whole diary on one timeline").click()
    charts = page.locator("figure img.chart-img")
    expect(charts.first).to_be_visible()
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert (chart.get_attribute("alt") or "").strip()
        chart.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
        )

    flag = page.locator("article", has=page.get_by_role("button", name="Acknowledge")).first
    expect(flag).to_be_visible()
    title = flag.get_by_role("heading").inner_text()
    # Bootstrap scrolls smoothly; a screenshot wants the page already there.
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    screenshot(page, "clinician-patient")
    page.evaluate(
        "document.getElementById('analysis-heading')"
        ".scrollIntoView({block: 'start', behavior: 'instant'})"
    )
    screenshot(page, "clinician-patient-charts")

    flag.get_by_label("Note (what you decided)").fill("Discussed with the patient.")
    flag.get_by_role("button", name="Acknowledge").click()
    acknowledged = page.locator("article", has=page.get_by_role("heading", name=title))
    expect(acknowledged).to_contain_text("acknowledged")
    expect(acknowledged).to_contain_text("Discussed with the patient.")
    assert Flag.objects.filter(
        patient=alice, title=title, acknowledgements__note="Discussed with the patient."
    ).exists()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Episodes").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) > 1
    assert len(rows) - 1 == sum([1, 0, 2, 1, 0, 1, 1, 0, 1, 1])


def test_a_second_clinician_cannot_open_the_first_ones_patient(open_page) -> None:
    alice = patient_with_active_cramps("alice")
    bob = make_patient("bob", timezone="America/New_York")
    make_clinician("dr.lee", patients=(alice,))
    make_clinician("dr.okafor", patients=(bob,))
    page = open_page(phone=False)
    log_in(page, "dr.okafor")

    expect(page.get_by_role("link", name="alice")).to_have_count(0)
    for url in (
        f"/clinic/patients/{alice.pk}/",
        f"/clinic/patients/{alice.pk}/program/",
        f"/exports/patients/{alice.pk}/episodes.csv",
    ):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        assert "alice" not in page.content()


LAPTOP_1366 = {"width": 1366, "height": 768}


def seeded_demo_as_rivera() -> None:
    """The demo as `make run` loads it; dr.rivera cares for every demo patient."""
    call_command("seed_demo", "--force", stdout=io.StringIO())
    rivera = User.objects.get(username="dr.rivera")
    rivera.set_password(PASSWORD)
    rivera.save(update_fields=["password"])


def test_graces_page_lists_the_ladder_in_order_and_the_cohort_names_every_step(
    open_page,
) -> None:
    seeded_demo_as_rivera()
    page = open_page(phone=False)
    page.set_viewport_size(LAPTOP_1366)
    log_in(page, "dr.rivera")

    ladder_cells = page.locator("table.cohort-table tbody td.col-ladder")
    expect(ladder_cells.first).to_be_visible()
    texts = [text.strip() for text in ladder_cells.all_inner_texts()]
    stepped = [text for text in texts if text != "—"]
    assert stepped, texts
    for text in stepped:  # "Step 3" alone used to stand for a possible lead migration
        assert re.fullmatch(r"Step \d: [a-z ]+", text), text
    grace_row = page.locator("table.cohort-table tbody tr", has=page.get_by_role(
        "link", name="grace", exact=True))
    expect(grace_row.locator("td.col-ladder")).to_have_text("Step 3: possible lead migration")
    screenshot(page, "clinician-cohort-1366")

    grace_row.get_by_role("link", name="grace", exact=True).click()
    flags = page.locator("section[aria-labelledby=ladder-heading] article")
    expect(flags.first).to_be_visible()
    # The source rules other causes out first: step 0 leads, whatever the highest step is.
    expect(flags.first.get_by_role("heading")).to_have_text("Rule out other causes first")
    expect(flags.first).to_contain_text("Step 0: rule out other causes")
    badges = [flags.nth(k).locator(".badge").first.inner_text() for k in range(flags.count())]
    steps = [int(b.split(":")[0].split()[1]) for b in badges if b.startswith("Step")]
    assert steps == sorted(steps) and steps[0] == 0, badges
    expect(page.locator("#ladder-position")).to_contain_text("Step 3: possible lead migration")


def inside_the_viewport(page, locator) -> None:
    locator.scroll_into_view_if_needed()
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)


def test_on_a_phone_the_ladder_column_and_correct_this_record_are_on_screen(open_page) -> None:
    seeded_demo_as_rivera()
    page = open_page(phone=True)
    assert page.viewport_size == {"width": 390, "height": 844}
    log_in(page, "dr.rivera")

    grace_row = page.locator("table.cohort-table tbody tr", has=page.get_by_role(
        "link", name="grace", exact=True))
    inside_the_viewport(page, grace_row.locator("td.col-ladder"))
    inside_the_viewport(page, page.locator("table.cohort-table th", has_text="Ladder"))
    assert horizontal_overflow(page) <= 0
    screenshot(page, "clinician-cohort-phone")

    grace_row.get_by_role("link", name="grace", exact=True).click()
    correct = page.get_by_role("link", name="Correct this record").first
    inside_the_viewport(page, correct)
    assert horizontal_overflow(page) <= 0
    inside_the_viewport(page, page.get_by_role("link", name="Visit summary (PDF)"))


@pytest.mark.parametrize("colour_scheme", ["light", "dark"])
def test_the_clinicians_charts_follow_the_dark_page(open_page, colour_scheme: str) -> None:
    alice = patient_with_active_cramps("alice")
    make_clinician("dr.lee", patients=(alice,))
    page = open_page(phone=False, colour_scheme=colour_scheme)
    log_in(page, "dr.lee")
    page.goto(f"/clinic/patients/{alice.pk}/")
    chart = page.locator("img.chart-img").first
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    chart.evaluate("img => img.decode()")  # drawn, not only laid out
    assert chart.evaluate("img => img.naturalWidth") > 0
    shown = chart.evaluate("img => getComputedStyle(img).filter")
    if colour_scheme == "dark":
        assert "invert" in shown
        screenshot(page, "clinician-patient-charts-dark")
    else:
        assert shown == "none"
