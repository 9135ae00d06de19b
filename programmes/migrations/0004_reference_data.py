"""Load the French regions and departments (INSEE, 2026) and the two founding programmes."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
PROGRAMMES = [
    ("cjs", "Coopératives Jeunesse de Services (CJS)"),
    ("flashcoop", "Flashcoop"),
]


def load(apps, schema_editor):
    Region = apps.get_model("programmes", "Region")
    Department = apps.get_model("programmes", "Department")
    Programme = apps.get_model("programmes", "Programme")
    with open(DATA / "regions.csv", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            Region.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    regions = {region.code: region for region in Region.objects.all()}
    with open(DATA / "departments.csv", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            Department.objects.update_or_create(
                code=row["code"], defaults={"name": row["name"], "region": regions[row["region_code"]]}
            )
    for slug, name in PROGRAMMES:
        Programme.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_core")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
