from wagtail import hooks

from flashcoop.viewsets import FlashcoopAdminGroup


@hooks.register("register_admin_viewset")
def register_flashcoop_admin():
    return FlashcoopAdminGroup()
