"""`python -m bench` (or `make bench`): build or reuse the bench database, measure, report."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from bench.dataset import ROOT, ensure_built, working_copy

RESULTS = ROOT / "bench-results.json"


def main() -> int:
    started = time.perf_counter()
    built = ensure_built(date.today())
    os.environ["BENCH_DATABASE"] = str(working_copy(built))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("MPLCONFIGDIR", str(ROOT / "var" / "matplotlib"))
    Path(os.environ["MPLCONFIGDIR"]).mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    from django.core.cache import cache

    from bench import postgres
    from bench.measures import RUNS, Bench, Result

    cache.clear()
    bench = Bench()
    print(f"Measuring: medians of {RUNS} warm requests, each alternating with the baseline page.")
    results = []
    for measure in (
        bench.patient_page, bench.patient_page_cold, bench.cohort_page, bench.log_cramp,
        bench.timeline_chart,
        bench.csv_export,
    ):
        step = time.perf_counter()
        results.extend(measure())
        print(f"  {measure.__name__}: {time.perf_counter() - step:.0f} s", flush=True)
    step = time.perf_counter()
    found, baselines = postgres.measure()
    results.extend(Result(**fields) for fields in found)
    bench.baselines.extend(baselines)
    if found:
        print(f"  the patient page and the POST on PostgreSQL: {time.perf_counter() - step:.0f} s")

    print_table(results, bench.baselines)
    RESULTS.write_text(json.dumps([r.as_json() for r in results], indent=2) + "\n")
    print(f"\nWrote {RESULTS.name}; {time.perf_counter() - started:.0f} s in all.")
    return 0 if all(r.meets for r in results) else 1


def print_table(results: list, baselines: list[float]) -> None:  # noqa: ANN001 - Result
    name_width = max(len(r.name) for r in results)
    print()
    print(f"{'measure':<{name_width}}  {'value':>8}  {'target':<40}  meets")
    print("-" * (name_width + 60))
    for r in results:
        mark = "yes" if r.meets else "NO"
        print(f"{r.name:<{name_width}}  {r.value:>8}  {r.target:<40}  {mark}")
        if r.detail:
            print(f"{'':<{name_width}}    {r.detail}")
    if baselines:
        low, high = min(baselines) * 1000, max(baselines) * 1000
        print(f"\nBaseline page (median per measure): {low:.1f} to {high:.1f} ms.")


if __name__ == "__main__":
    sys.exit(main())
