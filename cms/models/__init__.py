"""Models of the public site: page types, snippets and site settings. cms depends on the other apps,
never the reverse."""

from cms.models.pages import (
    CjsDirectoryPage,
    FormField,
    FormPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    NewsPageTag,
    PartnersPage,
    ProgrammePage,
    StandardPage,
)
from cms.models.photos import PhotoSubject
from cms.models.reports import ImpactReportIndexPage, ImpactReportPage, ReportSnapshot
from cms.models.site_settings import SiteSettings
from cms.models.snippets import MainMenu, MainMenuItem, OrganisationLogo

__all__ = [
    "CjsDirectoryPage",
    "FormField",
    "FormPage",
    "HomePage",
    "ImpactReportIndexPage",
    "ImpactReportPage",
    "MainMenu",
    "MainMenuItem",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "OrganisationLogo",
    "PartnersPage",
    "PhotoSubject",
    "ProgrammePage",
    "ReportSnapshot",
    "SiteSettings",
    "StandardPage",
]
