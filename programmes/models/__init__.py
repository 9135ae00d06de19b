"""Models of the core. Other apps depend on these; these depend on no other Essaim app."""

from programmes.models.users import User

__all__ = ["User"]
