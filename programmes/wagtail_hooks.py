from wagtail import hooks

from programmes.viewsets import ProgrammesAdminGroup


@hooks.register("register_admin_viewset")
def register_programmes_admin():
    return ProgrammesAdminGroup()
