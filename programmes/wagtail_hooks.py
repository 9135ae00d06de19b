from wagtail import hooks

from programmes.evaluation.viewsets import EvaluationAdminGroup
from programmes.viewsets import ProgrammesAdminGroup


@hooks.register("register_admin_viewset")
def register_programmes_admin():
    return ProgrammesAdminGroup()


@hooks.register("register_admin_viewset")
def register_evaluation_admin():
    return EvaluationAdminGroup()
