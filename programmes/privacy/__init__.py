"""Privacy by design: the personal-data registry, subject access, erasure, retention and consents.

Apps declare their models and register their provider in their own `privacy.py` (imported by their
AppConfig.ready()); this package never imports them. See docs/privacy.md.
"""

from programmes.privacy.registry import (
    BaseProvider,
    Classification,
    Provider,
    Purpose,
    classification,
    classifications,
    classify,
    not_personal,
    providers,
    purposes,
    register_provider,
    register_purpose,
)

__all__ = [
    "BaseProvider",
    "Classification",
    "Provider",
    "Purpose",
    "classification",
    "classifications",
    "classify",
    "not_personal",
    "providers",
    "purposes",
    "register_provider",
    "register_purpose",
]
