"""Reading `imsmanifest.xml` (SCORM 1.2 and 2004) into a plain description of the package.

The XML goes through defusedxml with DTDs forbidden: no external entities (XXE), no entity expansion
(billion laughs). Namespaces differ between versions and authoring tools, so elements are matched by
their local name. Only what the player needs is read: the default organisation, its SCOs in order with
their launch file, parameters and mastery score. Sequencing rules are not run: a package that cannot be
navigated without them is refused."""

import dataclasses
import posixpath
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element  # the type only: parsing goes through defusedxml  # nosec B405

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

MANIFEST_NAME = "imsmanifest.xml"
MAX_MANIFEST_BYTES = 5 * 1024 * 1024
VERSION_12 = "1.2"
VERSION_2004 = "2004"


class ManifestError(ValidationError):
    """The package's manifest is missing, unreadable or describes something the player cannot run."""


@dataclasses.dataclass(frozen=True)
class Sco:
    identifier: str
    title: str
    # Path of the launch file inside the package (no query string), then its query string, if any.
    href: str
    parameters: str
    # SCORM 1.2: a raw score between 0 and 100; SCORM 2004: a scaled score between -1 and 1.
    mastery_score: Decimal | None


@dataclasses.dataclass(frozen=True)
class Manifest:
    version: str
    title: str
    scos: tuple[Sco, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "title": self.title,
            "scos": [
                {**dataclasses.asdict(sco), "mastery_score": _str_or_none(sco.mastery_score)}
                for sco in self.scos
            ],
        }


def _str_or_none(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _attribute(element: Element, name: str) -> str:
    """An attribute by its local name, whatever its namespace (adlcp:scormtype, adlcp:scormType...)."""
    for key, value in element.attrib.items():
        if key.rsplit("}", 1)[-1].casefold() == name.casefold():
            return str(value).strip()
    return ""


def _children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if _local(child) == name)


def _child(element: Element, name: str) -> Element | None:
    return next(_children(element, name), None)


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _descendants(element: Element, name: str) -> Iterator[Element]:
    return (node for node in element.iter() if _local(node) == name)


def _version(root: Element) -> str:
    metadata = _child(root, "metadata")
    schema_version = _text(_child(metadata, "schemaversion")) if metadata is not None else ""
    if schema_version == "1.2":
        return VERSION_12
    if "2004" in schema_version or schema_version.upper().startswith("CAM 1.3"):
        return VERSION_2004
    namespaces = " ".join(node.tag for node in root.iter() if isinstance(node.tag, str))
    namespaces += " ".join(" ".join(node.attrib) for node in root.iter())
    if "adlcp_rootv1p2" in namespaces:
        return VERSION_12
    if "adlcp_v1p3" in namespaces:
        return VERSION_2004
    raise ManifestError(_("This package is neither SCORM 1.2 nor SCORM 2004 (unknown schema version)."))


def _launch_path(resource: Element, item_parameters: str, package_base: str) -> tuple[str, str]:
    """(path inside the package, query string), refusing absolute, external and escaping addresses."""
    href = _attribute(resource, "href")
    base = posixpath.join(package_base, _attribute(resource, "base"))
    if not href:
        raise ManifestError(
            _("The resource %(identifier)s has no launch file.")
            % {"identifier": _attribute(resource, "identifier")}
        )
    href = href.split("#", 1)[0]
    path, _separator, query = href.partition("?")
    if "://" in path or path.startswith("/") or "\\" in path:
        raise ManifestError(_("Launch files must be inside the package: %(href)s.") % {"href": href[:200]})
    joined = posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)
    if joined.startswith("../") or joined == ".." or joined.startswith("/"):
        raise ManifestError(_("Launch files must be inside the package: %(href)s.") % {"href": href[:200]})
    parameters = item_parameters.lstrip("?&")
    query = "&".join(part for part in (query, parameters) if part)
    return joined, query


def _decimal(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _mastery_score(item: Element, version: str) -> Decimal | None:
    if version == VERSION_12:
        value = _decimal(_text(_child(item, "masteryscore")))
        return value if value is not None and 0 <= value <= 100 else None
    for objective in _descendants(item, "primaryObjective"):
        if _attribute(objective, "satisfiedByMeasure").lower() == "true":
            value = _decimal(_text(_child(objective, "minNormalizedMeasure")))
            return value if value is not None and -1 <= value <= 1 else None
    return None


def _needs_sequencing(organisation: Element) -> bool:
    """A 2004 package that forbids choosing its activities can only be navigated by the sequencer."""
    return any(
        _attribute(control, "choice").lower() == "false"
        for control in _descendants(organisation, "controlMode")
    )


def _leaf_items(element: Element) -> Iterator[Element]:
    for item in _children(element, "item"):
        if _attribute(item, "isvisible").lower() == "false":
            continue
        if _attribute(item, "identifierref"):
            yield item
        yield from _leaf_items(item)


def parse_manifest(content: bytes) -> Manifest:
    """The package described by the manifest's bytes; ManifestError with a reason a person can act on."""
    if len(content) > MAX_MANIFEST_BYTES:
        raise ManifestError(_("The manifest (imsmanifest.xml) is too large."))
    try:
        root = defusedxml.ElementTree.fromstring(content, forbid_dtd=True)
    except DefusedXmlException as error:
        raise ManifestError(
            _("The manifest (imsmanifest.xml) declares entities or a DTD, which are refused for safety.")
        ) from error
    except defusedxml.ElementTree.ParseError as error:
        raise ManifestError(
            _("The manifest (imsmanifest.xml) is not valid XML: %(error)s") % {"error": str(error)[:200]}
        ) from error
    if _local(root) != "manifest":
        raise ManifestError(_("The file imsmanifest.xml is not a package manifest."))
    version = _version(root)
    organisations = _child(root, "organizations")
    candidates = list(_children(organisations, "organization")) if organisations is not None else []
    if not candidates:
        raise ManifestError(_("The manifest describes no organisation of the content."))
    default = _attribute(organisations, "default") if organisations is not None else ""
    organisation = next(
        (org for org in candidates if _attribute(org, "identifier") == default), candidates[0]
    )
    if version == VERSION_2004 and _needs_sequencing(organisation):
        raise ManifestError(
            _("This package relies on SCORM 2004 sequencing to be navigated, which is not supported.")
        )
    resources_element = _child(root, "resources")
    package_base = _attribute(resources_element, "base") if resources_element is not None else ""
    resources = {
        _attribute(resource, "identifier"): resource
        for resource in (_children(resources_element, "resource") if resources_element is not None else [])
    }
    scos = []
    for item in _leaf_items(organisation):
        resource = resources.get(_attribute(item, "identifierref"))
        if resource is None:
            raise ManifestError(
                _("The item %(identifier)s points to a resource the manifest does not describe.")
                % {"identifier": _attribute(item, "identifier")[:100]}
            )
        if _attribute(resource, "scormtype").lower() != "sco":
            continue  # an asset: no run-time, nothing to track
        href, parameters = _launch_path(resource, _attribute(item, "parameters"), package_base)
        scos.append(
            Sco(
                identifier=_attribute(item, "identifier")[:200],
                title=(_text(_child(item, "title")) or _attribute(item, "identifier"))[:255],
                href=href,
                parameters=parameters[:1000],
                mastery_score=_mastery_score(item, version),
            )
        )
    if not scos:
        raise ManifestError(_("The package holds no SCO (no trackable content) in its organisation."))
    if len({sco.identifier for sco in scos}) != len(scos):
        raise ManifestError(_("The manifest names two items with the same identifier."))
    title = _text(_child(organisation, "title")) or _attribute(organisation, "identifier")
    return Manifest(version=version, title=title[:255], scos=tuple(scos))
