"""`manage.py check` warns about models missing from the personal-data registry (the test suite fails)."""

from typing import Any

from django.apps import apps
from django.core.checks import Warning, register

OUR_APPS = ["programmes", "cjs", "flashcoop", "lms", "cms"]


@register()
def personal_data_registry(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    from programmes.privacy.registry import registry_problems

    models = [
        model
        for config in apps.get_app_configs()
        if config.label in OUR_APPS
        for model in config.get_models()
    ]
    return [
        Warning(problem, hint="See docs/privacy.md, 'Classifying a new model'.", id="essaim.W001")
        for problem in registry_problems(models)
    ]
