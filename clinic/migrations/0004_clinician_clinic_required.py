import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0003_default_clinic'),
    ]

    operations = [
        migrations.AlterField(
            model_name='clinician',
            name='clinic',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='clinicians', to='clinic.clinic', verbose_name='clinic'),
        ),
    ]
