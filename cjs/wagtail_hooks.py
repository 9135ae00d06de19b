from wagtail import hooks

from cjs.viewsets import CjsAdminGroup


@hooks.register("register_admin_viewset")
def register_cjs_admin():
    return CjsAdminGroup()
