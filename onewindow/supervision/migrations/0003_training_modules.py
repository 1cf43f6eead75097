"""The starting training material: modules are data, edited in the admin afterwards."""

from django.db import migrations

MODULES = [
    (
        "confidentiality",
        10,
        "Confidentiality and personal data",
        "What the station agreement requires: personal data is seen only for the case in hand, "
        "every view of a file is logged, nothing leaves the system except through its exports.",
    ),
    (
        "workflow",
        20,
        "The one-window workflow and its time limits",
        "Pre-review within 5 working days, one complete list of corrections, decisions within 5 "
        "(category A) or 10 working days, the clock stopped while the applicant has the next move.",
    ),
    (
        "originals",
        30,
        "Checking originals at the window",
        "Every original the kind requires is seen and compared with its upload before the permit "
        "is issued; a mismatch is recorded, never corrected silently.",
    ),
]


def forwards(apps, schema_editor):
    TrainingModule = apps.get_model("supervision", "TrainingModule")
    for code, position, title, body in MODULES:
        TrainingModule.objects.get_or_create(
            code=code, defaults={"position": position, "title": title, "body": body}
        )


def backwards(apps, schema_editor):
    apps.get_model("supervision", "TrainingModule").objects.filter(code__in=[m[0] for m in MODULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_countersign_trigger")]

    operations = [migrations.RunPython(forwards, backwards)]
