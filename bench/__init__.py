"""`make bench`: proof that the pages stay fast at five years of nights and a thousand patients.

Run as `python -m bench`. It builds (or reuses) a throwaway SQLite database under var/bench/
with generate_synthetic, never the developer's db.sqlite3, measures the pages of issue 9 with
Django's test client against a baseline page timed in the same run, prints a table and writes
bench-results.json at the project root. docs/performance.md has the figures and their reading.
"""
