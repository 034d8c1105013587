"""Every row made before there were clinics goes into one: "Default clinic". Staff accounts
(not superusers, which stay installation-wide) are made its staff."""

from django.conf import settings
from django.db import migrations


def to_default_clinic(apps, schema_editor):
    Clinic = apps.get_model("clinic", "Clinic")
    Clinician = apps.get_model("clinic", "Clinician")
    StaffMembership = apps.get_model("clinic", "StaffMembership")
    Patient = apps.get_model("diary", "Patient")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    staff = User.objects.filter(is_staff=True, is_superuser=False)
    if not (Patient.objects.exists() or Clinician.objects.exists() or staff.exists()):
        return
    clinic, _ = Clinic.objects.get_or_create(slug="default", defaults={"name": "Default clinic"})
    Patient.objects.filter(clinic__isnull=True).update(clinic=clinic)
    Clinician.objects.filter(clinic__isnull=True).update(clinic=clinic)
    for user in staff.filter(staff_membership__isnull=True):
        StaffMembership.objects.create(user=user, clinic=clinic)


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0002_clinic'),
        ('diary', '0007_patient_clinic'),
    ]

    operations = [
        migrations.RunPython(to_default_clinic, migrations.RunPython.noop),
    ]
