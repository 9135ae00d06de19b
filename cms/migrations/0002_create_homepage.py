"""Replace Wagtail's welcome page by Essaim's home page and point the default site at it."""

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("cms", "HomePage")

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    homepage_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    locale = Locale.objects.order_by("pk").first()
    homepage = HomePage.objects.create(
        title="Essaim",
        draft_title="Essaim",
        slug="home",
        content_type=homepage_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        hero_title="Coopérer pour apprendre, entreprendre ensemble",
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page_id": homepage.pk, "site_name": "Essaim", "port": 80},
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("cms", "HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0001_initial"), ("wagtailcore", "0094_alter_page_locale")]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
