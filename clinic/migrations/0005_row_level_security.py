"""PostgreSQL row-level security keyed on the clinic (docs/security.md, "Clinics as tenants").

diary_patient shows a query the rows whose clinic is named in the session setting
`stimdiary.clinic` (every row for "all", none when it is empty or unset). Every other
patient-data table follows its foreign key to its parent table, whose own policy applies
inside the subquery: one rule, at diary_patient.clinic_id, and no copied clinic column to keep
in step. FORCE makes the policies apply to the tables' owner too; only a superuser or a role
with BYPASSRLS passes them, and the app's role in production is neither (docs/deploy.md).
A no-op on SQLite."""

from django.db import migrations

SCOPE = "current_setting('stimdiary.clinic', true)"
PATIENT_RULE = (
    f"{SCOPE} = 'all' OR clinic_id = "
    f"(CASE WHEN {SCOPE} ~ '^[0-9]+$' THEN {SCOPE}::bigint END)"
)
# table, its column that points at the parent, the parent table
FOLLOWERS = [
    ("diary_patient_care_team", "patient_id", "diary_patient"),
    ("diary_night", "patient_id", "diary_patient"),
    ("diary_crampepisode", "night_id", "diary_night"),
    ("diary_medication", "patient_id", "diary_patient"),
    ("diary_dailyoutcome", "patient_id", "diary_patient"),
    ("programming_device", "patient_id", "diary_patient"),
    ("programming_settingsrecord", "device_id", "programming_device"),
    ("programming_plannedtrial", "device_id", "programming_device"),
    ("programming_programmingvisit", "device_id", "programming_device"),
    ("programming_visitconfiguration", "visit_id", "programming_programmingvisit"),
    ("insights_patientsummary", "patient_id", "diary_patient"),
    ("insights_flag", "patient_id", "diary_patient"),
    ("insights_flagacknowledgement", "flag_id", "insights_flag"),
    ("exchange_erasurerequest", "patient_id", "diary_patient"),
]
POLICY = "clinic_rows"


def rules():
    yield "diary_patient", PATIENT_RULE
    for table, column, parent in FOLLOWERS:
        yield table, f"{table}.{column} IN (SELECT id FROM {parent})"


def enable(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, rule in rules():
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        schema_editor.execute(
            f"CREATE POLICY {POLICY} ON {table} USING ({rule}) WITH CHECK ({rule})"
        )


def disable(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _rule in rules():
        schema_editor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0004_clinician_clinic_required'),
        ('diary', '0008_patient_clinic_required'),
        ('exchange', '0001_erasure_request'),
        ('insights', '0005_summary_outcome'),
        ('programming', '0004_programming_visit'),
    ]

    operations = [
        migrations.RunPython(enable, disable, elidable=False),
    ]
