"""Demo network for `seed_demo`: the CJS editions 2017 and 2018 as told by the 2018 activity report
(54 CJS in 10 regions, 40 in a QPV, 83 % hosted by a CAE, 16 new territories, over 600 local
partners), the Flashcoop experimentation of 2019, and this year's CJS with live data for the demo
accounts. Every person is fictional: names are drawn from fixed lists with seeded random generators,
e-mails are @example.org and phone numbers are in the ranges reserved for fiction.

Idempotent: places, organisations and cohorts are looked up by their natural keys, partnerships are
only added when missing, and a cohort's members (or sessions) are only created when it has none.
"""

import datetime
import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from programmes.choices import (
    AttendanceStatus,
    CohortStatus,
    ConsentKind,
    EducationLevel,
    EmploymentStatus,
    EnrolmentStatus,
    ExitReason,
    Gender,
    OrganisationType,
    PartnershipRole,
    SessionKind,
)
from programmes.demo import seeded_random
from programmes.geography import find_commune
from programmes.models import (
    Attendance,
    Cohort,
    Commune,
    Consent,
    CoordinatorScope,
    Department,
    Edition,
    Enrolment,
    EnrolmentStatusChange,
    FacilitatorAssignment,
    Guardian,
    Organisation,
    PartnerContact,
    Partnership,
    Person,
    Programme,
    Region,
    Session,
    User,
)
from programmes.text import normalise

DISTINCT_PARTNERS_2018 = 610
LIVE_FACILITATED = ["CJS Nantes Bellevue", "CJS Saint-Nazaire Ville-Ouest"]
PAST_FACILITATED = ["CJS Nantes Bellevue", "CJS Angers Monplaisir"]
COORDINATOR_REGIONS = ["52", "53", "28"]
PARTNER_ORGANISATION = "Ville de Nantes"
# The live cohort where the demo shows a member to call back and an application still missing consent.
ALERT_COHORT = "CJS Nantes Bellevue"
ABSENTEE = ("Kylian", "Marchand")
MINOR_WITHOUT_CONSENT = ("Maëlys", "Garnier")
LEARNER_GUARDIAN = "Nadia Moreau"


@dataclass(frozen=True)
class Site:
    """Where a cohort takes place and who hosts it (the department's CAE unless an association is named)."""

    name: str
    department: str
    commune: str
    area: str = ""
    is_in_qpv: bool = True
    is_rural: bool = False
    host: str = ""
    is_new_in_2018: bool = False

    @property
    def place(self) -> str:
        return self.area or self.commune


def _town(name: str, department: str, commune: str, *, rural: bool = True, new: bool = True) -> Site:
    return Site(name, department, commune, is_in_qpv=False, is_rural=rural, is_new_in_2018=new)


# The 54 CJS of 2018: 10 regions, 40 in a QPV, 9 hosted by associations (45 by CAEs), 16 in communes
# that had no CJS in 2017. The 38 others ran in 2017 too.
CJS_2018_SITES = [
    # Pays de la Loire (52)
    Site("CJS Nantes Bellevue", "44", "Nantes", "Bellevue"),
    Site("CJS Nantes Malakoff", "44", "Nantes", "Malakoff", host="Centre socioculturel Malakoff"),
    Site("CJS Saint-Nazaire Ville-Ouest", "44", "Saint-Nazaire", "Ville-Ouest"),
    _town("CJS Pays d'Ancenis", "44", "Ancenis-Saint-Géréon", rural=False),
    _town("CJS Pays de Châteaubriant", "44", "Châteaubriant"),
    Site("CJS Angers Monplaisir", "49", "Angers", "Monplaisir"),
    Site("CJS Le Mans Les Sablons", "72", "Le Mans", "Les Sablons"),
    Site("CJS La Roche-sur-Yon Liberté", "85", "La Roche-sur-Yon", "Liberté"),
    # Bretagne (53)
    Site("CJS Rennes Maurepas", "35", "Rennes", "Maurepas"),
    Site("CJS Rennes Le Blosne", "35", "Rennes", "Le Blosne", host="Maison de quartier du Blosne"),
    _town("CJS Pays de Redon", "35", "Redon", new=False),
    Site("CJS Brest Pontanezen", "29", "Brest", "Pontanezen"),
    _town("CJS Quimperlé", "29", "Quimperlé", rural=False),
    Site("CJS Lorient Bois du Château", "56", "Lorient", "Bois du Château"),
    Site("CJS Saint-Brieuc Balzac", "22", "Saint-Brieuc", "Balzac", is_new_in_2018=True),
    # Normandie (28)
    Site("CJS Caen Guérinière", "14", "Caen", "Guérinière"),
    Site("CJS Hérouville Grande Delle", "14", "Hérouville-Saint-Clair", "Grande Delle", is_new_in_2018=True),
    Site("CJS Rouen Grammont", "76", "Rouen", "Grammont"),
    _town("CJS Pays de Coutances", "50", "Coutances"),
    # Île-de-France (11)
    Site("CJS Paris Flandre", "75", "Paris", "Flandre", host="Association Flandre Jeunesse"),
    Site("CJS Saint-Denis Franc-Moisin", "93", "Saint-Denis", "Franc-Moisin"),
    Site("CJS Montreuil Bel-Air", "93", "Montreuil", "Bel-Air", host="Centre social Bel-Air"),
    Site("CJS Nanterre Le Parc", "92", "Nanterre", "Le Parc"),
    Site("CJS Grigny Grande Borne", "91", "Grigny", "Grande Borne", is_new_in_2018=True),
    Site("CJS Mantes-la-Jolie Val Fourré", "78", "Mantes-la-Jolie", "Val Fourré"),
    _town("CJS Rambouillet", "78", "Rambouillet", rural=False),
    # Hauts-de-France (32)
    Site("CJS Lille Fives", "59", "Lille", "Fives"),
    Site("CJS Roubaix Épeule", "59", "Roubaix", "Épeule", host="Maison de quartier de l'Épeule"),
    Site("CJS Amiens Étouvie", "80", "Amiens", "Étouvie"),
    Site("CJS Calais Beau-Marais", "62", "Calais", "Beau-Marais"),
    _town("CJS Pays de Saint-Pol", "62", "Saint-Pol-sur-Ternoise"),
    _town("CJS Thiérache", "02", "Vervins"),
    # Auvergne-Rhône-Alpes (84)
    Site("CJS Grenoble Villeneuve", "38", "Grenoble", "Villeneuve"),
    Site("CJS Vaulx-en-Velin Mas du Taureau", "69", "Vaulx-en-Velin", "Mas du Taureau"),
    Site("CJS Villeurbanne Saint-Jean", "69", "Villeurbanne", "Saint-Jean", host="Centre social Saint-Jean"),
    Site("CJS Saint-Étienne Montreynaud", "42", "Saint-Étienne", "Montreynaud"),
    _town("CJS Livradois-Forez", "63", "Ambert"),
    _town("CJS Diois", "26", "Die"),
    # Nouvelle-Aquitaine (75)
    Site("CJS Bordeaux Bastide", "33", "Bordeaux", "Bastide"),
    Site("CJS Poitiers Les Couronneries", "86", "Poitiers", "Les Couronneries"),
    Site("CJS Limoges Val de l'Aurence", "87", "Limoges", "Val de l'Aurence"),
    _town("CJS Soule", "64", "Mauléon-Licharre"),
    _town("CJS Périgord noir", "24", "Sarlat-la-Canéda"),
    # Occitanie (76)
    Site("CJS Toulouse Bagatelle", "31", "Toulouse", "Bagatelle"),
    Site("CJS Montpellier Mosson", "34", "Montpellier", "Mosson"),
    Site("CJS Nîmes Pissevin", "30", "Nîmes", "Pissevin"),
    Site(
        "CJS Figeac",
        "46",
        "Figeac",
        is_in_qpv=False,
        is_rural=True,
        host="MJC de Figeac",
        is_new_in_2018=True,
    ),
    # Provence-Alpes-Côte d'Azur (93)
    Site("CJS Marseille Frais-Vallon", "13", "Marseille", "Frais-Vallon", host="Centre social Frais-Vallon"),
    Site("CJS Avignon Monclar", "84", "Avignon", "Monclar"),
    Site("CJS Nice Les Moulins", "06", "Nice", "Les Moulins"),
    _town("CJS Pays de Forcalquier", "04", "Forcalquier"),
    # Grand Est (44)
    Site("CJS Strasbourg Neuhof", "67", "Strasbourg", "Neuhof", host="Association Neuhof Avenir"),
    Site("CJS Mulhouse Bourtzwiller", "68", "Mulhouse", "Bourtzwiller"),
    Site("CJS Nancy Haut-du-Lièvre", "54", "Nancy", "Haut-du-Lièvre"),
]
SITES_BY_NAME = {site.name: site for site in CJS_2018_SITES}

# This year's CJS: (site, days since start (negative: not started yet), running?).
LIVE_CJS = [
    ("CJS Nantes Bellevue", 21),
    ("CJS Saint-Nazaire Ville-Ouest", 28),
    ("CJS Angers Monplaisir", -14),
    ("CJS Rennes Maurepas", 21),
    ("CJS Brest Pontanezen", -14),
    ("CJS Caen Guérinière", 14),
]

FLASHCOOP_2019 = [
    (Site("Flashcoop Nantes Nord", "44", "Nantes", "Nantes Nord"), datetime.date(2019, 3, 11)),
    (Site("Flashcoop Rennes Villejean", "35", "Rennes", "Villejean"), datetime.date(2019, 4, 8)),
    (Site("Flashcoop Lille Moulins", "59", "Lille", "Moulins"), datetime.date(2019, 5, 13)),
    (Site("Flashcoop Amiens Nord", "80", "Amiens", "Amiens Nord"), datetime.date(2019, 6, 3)),
    (Site("Flashcoop Lyon Mermoz", "69", "Lyon", "Mermoz"), datetime.date(2019, 6, 24)),
    (_town("Flashcoop Pays diois", "26", "Die"), datetime.date(2019, 9, 16)),
    (Site("Flashcoop Bordeaux Les Aubiers", "33", "Bordeaux", "Les Aubiers"), datetime.date(2019, 9, 30)),
    (Site("Flashcoop Toulouse Empalot", "31", "Toulouse", "Empalot"), datetime.date(2019, 10, 14)),
    (Site("Flashcoop Marseille Belsunce", "13", "Marseille", "Belsunce"), datetime.date(2019, 11, 4)),
    (
        Site("Flashcoop Strasbourg Hautepierre", "67", "Strasbourg", "Hautepierre"),
        datetime.date(2019, 11, 18),
    ),
]

# One fictional CAE per department of the network.
CAES = {
    "44": "CAE Estuaire Activités",
    "49": "Anjou Entreprendre Coopérative",
    "72": "CAE Sarthe Ensemble",
    "85": "Vendée Activités Coop",
    "35": "CAE Ille Coopérative",
    "29": "Penn ar Coop",
    "56": "CAE Morbihan Initiatives",
    "22": "Armor Activités Coop",
    "14": "CAE Calvados Entreprendre",
    "76": "Seine Coopérative d'activités",
    "50": "CAE Cotentin Activités",
    "75": "Paris Coopère",
    "93": "CAE Seine-Saint-Denis Ensemble",
    "92": "CAE Hauts-de-Seine Activités",
    "91": "Essonne Coop Entreprendre",
    "78": "CAE Yvelines Initiatives",
    "59": "CAE Nord Coopérative",
    "80": "Somme Activités Coop",
    "62": "CAE Côte d'Opale Entreprendre",
    "02": "CAE Aisne Ensemble",
    "38": "CAE Alpes Coopérative",
    "69": "Rhône Entreprendre Coopérative",
    "42": "CAE Loire Forez Activités",
    "63": "Auvergne Coop Activités",
    "26": "CAE Drôme Ensemble",
    "33": "CAE Gironde Coopérative",
    "86": "Vienne Activités Coop",
    "87": "CAE Limousin Initiatives",
    "64": "CAE Béarn Pays basque",
    "24": "Périgord Coop Ensemble",
    "31": "CAE Garonne Coopérative",
    "34": "Hérault Activités Coop",
    "30": "CAE Gard Entreprendre",
    "46": "CAE Lot Ensemble",
    "13": "CAE Provence Coopérative",
    "84": "Vaucluse Activités Coop",
    "06": "CAE Azur Initiatives",
    "04": "CAE Haute-Provence Ensemble",
    "67": "CAE Alsace Coopérative",
    "68": "Haut-Rhin Activités Coop",
    "54": "CAE Lorraine Entreprendre",
}
FOUNDATIONS = [
    "Fondation Jeunesse et Territoires",
    "Fondation Entreprendre Ensemble",
    "Fondation Solidarités Coopératives",
    "Fondation pour l'Engagement des Jeunes",
    "Fondation Avenir Quartiers",
    "Fondation Crédit Coopératif",
]
FAMOUS_NAMES = [
    "Jules-Verne", "Victor-Hugo", "Jean-Moulin", "Marie-Curie", "Jean-Jaurès", "Louise-Michel",
    "Simone-Veil", "Pablo-Picasso", "Jacques-Prévert", "Olympe-de-Gouges", "Aimé-Césaire", "Albert-Camus",
    "Rosa-Parks", "Paul-Éluard", "Camille-Claudel", "Léonard-de-Vinci",
]  # fmt: skip
FEMALE_NAMES = [
    "Emma", "Léa", "Chloé", "Manon", "Camille", "Sarah", "Inès", "Jade", "Louise", "Zoé", "Lola", "Clara",
    "Maëlys", "Yasmine", "Anaïs", "Océane", "Lucie", "Amira", "Nour", "Julie", "Mathilde", "Aya", "Eva",
    "Romane", "Juliette", "Salomé", "Lisa", "Maya", "Fatoumata", "Awa", "Mélissa", "Nina", "Assia", "Elif",
]  # fmt: skip
MALE_NAMES = [
    "Lucas", "Hugo", "Enzo", "Nathan", "Louis", "Mathis", "Théo", "Yanis", "Adam", "Gabriel", "Rayan",
    "Noah", "Tom", "Léo", "Jules", "Ethan", "Maxime", "Mohamed", "Ibrahim", "Axel", "Bilal", "Sacha",
    "Antoine", "Paul", "Mehdi", "Samuel", "Evan", "Ilyes", "Thomas", "Moussa", "Kenzo", "Baptiste",
]  # fmt: skip
ADULT_FEMALE_NAMES = [
    "Nathalie", "Isabelle", "Sandrine", "Karima", "Céline", "Stéphanie", "Aurélie", "Fatima", "Valérie",
    "Sylvie", "Malika", "Christelle", "Samia", "Virginie", "Laetitia", "Aminata", "Hélène", "Djamila",
]  # fmt: skip
ADULT_MALE_NAMES = [
    "Christophe", "Stéphane", "Frédéric", "Karim", "David", "Olivier", "Mamadou", "Laurent", "Sébastien",
    "Nicolas", "Rachid", "Patrick", "Jérôme", "Farid", "Thierry", "Abdou", "Franck", "Pascal",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Leroy", "Simon", "Laurent",
    "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
    "André", "Mercier", "Dupont", "Bonnet", "François", "Martinez", "Legrand", "Faure", "Rousseau",
    "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément",
    "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Nguyen",
    "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Roche", "Noël", "Meyer", "Meunier", "Perez",
    "Dufour", "Blanchard", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin",
    "Fernandez", "Le Goff", "Le Gall", "Diallo", "Traoré", "Haddad", "Cissé", "Kaya", "Da Silva",
    "Pereira", "Benyahia", "Camara", "Mendy", "Yilmaz", "Hamidi",
]  # fmt: skip
EXIT_NOTES: dict[str, str] = {
    ExitReason.FOUND_JOB: "A trouvé un emploi saisonnier.",
    ExitReason.EDUCATION: "Stage de formation commencé en août.",
    ExitReason.MOVED: "Départ de la famille dans une autre région.",
    ExitReason.HEALTH: "",
    ExitReason.FAMILY: "Vacances familiales imprévues.",
    ExitReason.LOST_INTEREST: "",
    ExitReason.SCHEDULE: "Horaires incompatibles avec un autre engagement.",
    ExitReason.BEHAVIOUR: "Exclusion votée par le conseil d'administration après plusieurs avertissements.",
}
WITHDRAWAL_REASONS = [
    ExitReason.FOUND_JOB,
    ExitReason.EDUCATION,
    ExitReason.MOVED,
    ExitReason.HEALTH,
    ExitReason.FAMILY,
    ExitReason.LOST_INTEREST,
    ExitReason.SCHEDULE,
]
# Members excluded in 2018 (the first member of these cohorts): rare, but they happen.
EXCLUDED_2018 = {"CJS Calais Beau-Marais", "CJS Nîmes Pissevin"}

SessionTemplates = list[tuple[str, str]]
CJS_SESSIONS: SessionTemplates = [
    (SessionKind.TRAINING, "Formation : fonctionner en coopérative"),
    (SessionKind.MEETING, "Assemblée générale constitutive"),
    (SessionKind.TRAINING, "Formation : démarcher des clients"),
    (SessionKind.WORK, "Chantier : entretien d'espaces verts"),
    (SessionKind.MEETING, "Comité marketing"),
    (SessionKind.WORK, "Chantier : lavage de vitres"),
    (SessionKind.WORK, "Chantier : aide au déménagement"),
    (SessionKind.MEETING, "Assemblée générale de clôture"),
]
CJS_2017_SESSIONS: SessionTemplates = [CJS_SESSIONS[0], CJS_SESSIONS[1], CJS_SESSIONS[3], CJS_SESSIONS[7]]
LIVE_SESSIONS: SessionTemplates = [
    *CJS_SESSIONS[:7],
    (SessionKind.WORK, "Chantier : désherbage des jardins partagés"),
    (SessionKind.MEETING, "Conseil d'administration"),
    (SessionKind.WORK, "Chantier : rangement de caves"),
]
FLASHCOOP_SESSIONS: SessionTemplates = [
    (SessionKind.TRAINING, "Jour 1 : lancement et formation à la coopération"),
    (SessionKind.WORK, "Jour 2 : étude de marché et prospection"),
    (SessionKind.WORK, "Jour 3 : premières prestations"),
    (SessionKind.WORK, "Jour 4 : prestations et gestion"),
    (SessionKind.MEETING, "Jour 5 : bilan et assemblée de clôture"),
]
MORNING = (datetime.time(9, 30), datetime.time(12, 0))
AFTERNOON = (datetime.time(14, 0), datetime.time(17, 30))
FULL_DAY = (datetime.time(9, 30), datetime.time(16, 30))


@dataclass
class PartnerPlan:
    organisation: str
    role: str
    contribution_eur: Decimal | None = None
    in_kind: str = ""


@dataclass
class MemberPlan:
    person: Person
    path: list[tuple[str, datetime.date]]
    guardian: Guardian | None = None
    consents: list[Consent] = field(default_factory=list)
    exit_reason: str = ""
    exit_note: str = ""


def seed_network() -> None:
    """Create the demo network (see the module docstring); running it again adds nothing."""
    today = timezone.localdate()
    cjs, _created = Programme.objects.get_or_create(slug="cjs", defaults={"name": "CJS"})
    flashcoop, _created = Programme.objects.get_or_create(slug="flashcoop", defaults={"name": "Flashcoop"})
    places = _Places()
    kinds: dict[str, str] = {}
    partners_2018 = _plan_partners_2018(places, kinds)

    edition_2017 = Edition.objects.get_or_create(programme=cjs, year=2017)[0]
    edition_2018 = Edition.objects.get_or_create(programme=cjs, year=2018)[0]
    edition_live = Edition.objects.get_or_create(programme=cjs, year=today.year)[0]
    edition_flashcoop = Edition.objects.get_or_create(programme=flashcoop, year=2019)[0]

    cohorts_2017, cohorts_2018, live, flashcoops = {}, {}, {}, {}
    for index, site in enumerate(site for site in CJS_2018_SITES if not site.is_new_in_2018):
        start = datetime.date(2017, 7, 3) + datetime.timedelta(days=7 * (index % 3 == 2))
        end = datetime.date(2017, 8, 25) - datetime.timedelta(days=7 * (index % 4 == 1))
        cohorts_2017[site.name] = _cohort(edition_2017, site, places, start, end, CohortStatus.CLOSED)
    for index, site in enumerate(CJS_2018_SITES):
        start = datetime.date(2018, 7, 2) + datetime.timedelta(days=(0, 0, 2, 7)[index % 4])
        end = datetime.date(2018, 8, 24) - datetime.timedelta(days=7 * (index % 5 == 3))
        cohorts_2018[site.name] = _cohort(edition_2018, site, places, start, end, CohortStatus.CLOSED)
    monday = today - datetime.timedelta(days=today.weekday())
    for name, days_since_start in LIVE_CJS:
        start = monday - datetime.timedelta(days=days_since_start)
        status = CohortStatus.RUNNING if days_since_start > 0 else CohortStatus.PLANNED
        end = start + datetime.timedelta(days=46)  # the Friday of the seventh week
        live[name] = _cohort(edition_live, SITES_BY_NAME[name], places, start, end, status)
    for site, start in FLASHCOOP_2019:
        end = start + datetime.timedelta(days=4)
        flashcoops[site.name] = _cohort(edition_flashcoop, site, places, start, end, CohortStatus.CLOSED)

    partners: dict[Cohort, list[PartnerPlan]] = {}
    for name, cohort in cohorts_2018.items():
        partners[cohort] = partners_2018[name]
    for name, cohort in cohorts_2017.items():
        rng = seeded_random(f"partners-2017:{name}")
        partners[cohort] = [_again(plan, rng) for plan in partners_2018[name] if rng.random() < 0.75]
    for name, cohort in live.items():
        rng = seeded_random(f"partners-live:{name}")
        partners[cohort] = [_again(plan, rng) for plan in partners_2018[name][:7]]
    for site, _start in FLASHCOOP_2019:
        partners[flashcoops[site.name]] = _flashcoop_partners(site, kinds)
    _save_partnerships(partners, kinds)

    people = _People(today)
    for name, cohort in cohorts_2017.items():
        people.plan_closed_cjs(cohort, seeded_random(f"members-2017:{name}"))
    for name, cohort in cohorts_2018.items():
        people.plan_closed_cjs(cohort, seeded_random(f"members-2018:{name}"), excluded=name in EXCLUDED_2018)
    for name, cohort in live.items():
        people.plan_live_cjs(cohort, seeded_random(f"members-live:{name}"))
    for name, cohort in flashcoops.items():
        people.plan_flashcoop(cohort, seeded_random(f"members-flashcoop:{name}"))
    people.save()
    _seed_learner(live[ALERT_COHORT], today)

    sessions = dict.fromkeys(cohorts_2017.values(), CJS_2017_SESSIONS)
    sessions |= dict.fromkeys(cohorts_2018.values(), CJS_SESSIONS)
    sessions |= dict.fromkeys(flashcoops.values(), FLASHCOOP_SESSIONS)
    _seed_sessions(sessions, live=[c for c in live.values() if c.status == CohortStatus.RUNNING], today=today)

    _seed_staff(
        cjs,
        facilitated=[live[name] for name in LIVE_FACILITATED]
        + [cohorts_2018[name] for name in PAST_FACILITATED],
    )


# Places and cohorts


class _Places:
    """Departments and communes, the communes created from the reference list when first needed."""

    def __init__(self) -> None:
        self.departments = {
            department.code: department for department in Department.objects.select_related("region")
        }
        self._communes: dict[tuple[str, str], Commune] = {}

    def region_name(self, department_code: str) -> str:
        return self.departments[department_code].region.name

    def commune(self, department_code: str, name: str) -> Commune:
        key = (department_code, name)
        if key not in self._communes:
            record = find_commune(name, department_code)
            if record is None:
                raise ValueError(f"{name} is not a commune of department {department_code}.")
            department = self.departments[department_code]
            commune = (
                Commune.objects.filter(insee_code=record.code).first()
                or Commune.objects.filter(department=department, name=record.name).first()
            )
            if commune is None:
                commune = Commune.objects.create(
                    department=department,
                    name=record.name,
                    insee_code=record.code,
                    postcodes=record.postcodes,
                )
            self._communes[key] = commune
        return self._communes[key]


def _span(cohort: Cohort) -> tuple[datetime.date, datetime.date]:
    """The dates of a demo cohort (always set here, optional in general)."""
    assert cohort.start_date and cohort.end_date  # type narrowing  # nosec B101
    return cohort.start_date, cohort.end_date


def _cohort(
    edition: Edition,
    site: Site,
    places: _Places,
    start: datetime.date,
    end: datetime.date,
    status: str,
) -> Cohort:
    """The cohort of this site in this edition; an existing one is left as it is."""
    host_name = site.host or CAES[site.department]
    host_type = OrganisationType.ASSOCIATION if site.host else OrganisationType.CAE
    cohort, _created = Cohort.objects.get_or_create(
        edition=edition,
        name=site.name,
        defaults={
            "department": places.departments[site.department],
            "commune": places.commune(site.department, site.commune),
            "is_in_qpv": site.is_in_qpv,
            "is_rural": site.is_rural,
            "host": _organisation(host_name, host_type),
            "start_date": start,
            "end_date": end,
            "status": status,
        },
    )
    return cohort


def _organisation(name: str, kind: str) -> Organisation:
    organisation = Organisation.objects.filter(normalised_name=normalise(name)).first()
    return organisation or Organisation.objects.create(name=name, type=kind)


# Partners


def _plan_partners_2018(places: _Places, kinds: dict[str, str]) -> dict[str, list[PartnerPlan]]:
    """Each 2018 CJS's local committee: shared partners (town, region, mission locale...) plus partners
    of its own, topped up until hosts and partners of the edition make DISTINCT_PARTNERS_2018."""
    taken = {normalise(name) for name in CAES.values()} | {
        normalise(site.host) for site in CJS_2018_SITES if site.host
    }
    plans: dict[str, list[PartnerPlan]] = {}
    reserves: dict[str, list[PartnerPlan]] = {}
    for site in CJS_2018_SITES:
        rng = seeded_random(f"partners-2018:{site.name}")
        shared = _shared_partners(site, places, rng, kinds)
        unique_own = [
            plan for plan in _own_partners(site, rng, kinds) if normalise(plan.organisation) not in taken
        ]
        first = max(8 - len(shared), rng.randint(2, 4))
        plans[site.name] = shared + unique_own[:first]
        reserves[site.name] = unique_own[first:]
        taken |= {normalise(plan.organisation) for plan in plans[site.name]}

    hosts = {normalise(site.host or CAES[site.department]) for site in CJS_2018_SITES}
    distinct = hosts | {normalise(plan.organisation) for plan in _flatten(plans.values())}
    while len(distinct) < DISTINCT_PARTNERS_2018:
        grown = False
        for site in CJS_2018_SITES:
            if len(distinct) >= DISTINCT_PARTNERS_2018:
                break
            if len(plans[site.name]) < 14 and reserves[site.name]:
                plan = reserves[site.name].pop(0)
                plans[site.name].append(plan)
                distinct.add(normalise(plan.organisation))
                grown = True
        if not grown:
            raise RuntimeError("The demo partner pool is too small for the 2018 target.")
    return plans


def _flatten(lists: Iterable[list[PartnerPlan]]) -> list[PartnerPlan]:
    return [plan for plans in lists for plan in plans]


def _money(rng: random.Random, low: int, high: int, step: int) -> Decimal:
    return Decimal(rng.randrange(low, high + 1, step))


def _partner(kinds: dict[str, str], name: str, kind: str, role: str, **contribution: Any) -> PartnerPlan:
    kinds.setdefault(name, kind)
    return PartnerPlan(name, role, **contribution)


def _shared_partners(
    site: Site, places: _Places, rng: random.Random, kinds: dict[str, str]
) -> list[PartnerPlan]:
    """Partners that several cohorts of a town, department or region have in common."""
    department = places.departments[site.department].name
    plans = [
        _partner(
            kinds,
            f"Ville {_of(site.commune)}",
            OrganisationType.LOCAL_AUTHORITY,
            PartnershipRole.MUNICIPALITY,
            contribution_eur=_money(rng, 500, 3000, 100),
            in_kind="Mise à disposition d'un local",
        ),
        _partner(
            kinds,
            f"Mission locale {_of(site.commune)}",
            OrganisationType.ASSOCIATION,
            PartnershipRole.YOUTH_SPONSOR,
            in_kind="Repérage et mobilisation des jeunes",
        ),
        _partner(
            kinds,
            f"Crédit Coopératif agence {_of(site.commune)}",
            OrganisationType.COMPANY,
            PartnershipRole.ECONOMIC_SPONSOR,
            in_kind="Ouverture du compte de la coopérative, conseils de gestion",
        ),
        _partner(
            kinds,
            f"Région {places.region_name(site.department)}",
            OrganisationType.LOCAL_AUTHORITY,
            PartnershipRole.FUNDER,
            contribution_eur=_money(rng, 1000, 5000, 250),
        ),
        _partner(
            kinds,
            f"CAF {department}",
            OrganisationType.STATE,
            PartnershipRole.FUNDER,
            contribution_eur=_money(rng, 500, 2500, 250),
        ),
    ]
    if site.is_in_qpv:
        plans.append(
            _partner(
                kinds,
                f"DDCS {department}",
                OrganisationType.STATE,
                PartnershipRole.FUNDER,
                contribution_eur=_money(rng, 1000, 4000, 250),
            )
        )
        plans.append(
            _partner(
                kinds,
                f"{site.commune} Habitat",
                OrganisationType.SOCIAL_LANDLORD,
                PartnershipRole.FUNDER,
                contribution_eur=_money(rng, 300, 2000, 100),
                in_kind="Chantiers confiés aux jeunes dans les résidences",
            )
        )
    if rng.random() < 0.4:
        plans.append(
            _partner(
                kinds,
                rng.choice(FOUNDATIONS),
                OrganisationType.FOUNDATION,
                PartnershipRole.FUNDER,
                contribution_eur=_money(rng, 1000, 3000, 500),
            )
        )
    return plans


def _of(place: str) -> str:
    """French 'of' before a place name: de Nantes, d'Angers, du Mans, des Sablons."""
    if place.startswith("Le "):
        return f"du {place[3:]}"
    if place.startswith("Les "):
        return f"des {place[4:]}"
    if normalise(place)[0] in "aeiouyh":
        return f"d'{place}"
    return f"de {place}"


def _own_partners(site: Site, rng: random.Random, kinds: dict[str, str]) -> list[PartnerPlan]:
    """Candidate partners of this cohort alone, in a seeded order (the caller keeps what it needs)."""
    place, town = site.place, site.commune
    of_place = _of(place)
    famous = rng.sample(FAMOUS_NAMES, 3)
    surnames = rng.sample(LAST_NAMES, 8)
    youth, economic, other = (
        PartnershipRole.YOUTH_SPONSOR,
        PartnershipRole.ECONOMIC_SPONSOR,
        PartnershipRole.OTHER,
    )
    association, company, school = (
        OrganisationType.ASSOCIATION,
        OrganisationType.COMPANY,
        OrganisationType.SCHOOL,
    )
    candidates = [
        (f"Centre social {place}", association, youth, "Accueil des réunions des jeunes"),
        (f"Collège {famous[0]} ({town})", school, youth, "Information des élèves"),
        (f"Lycée professionnel {famous[1]} ({town})", school, youth, "Information des élèves"),
        (f"Club de prévention {of_place}", association, youth, "Accompagnement éducatif"),
        (f"Point information jeunesse {of_place}", association, youth, ""),
        (f"Boulangerie {surnames[0]} ({town})", company, economic, "Premier client de la coopérative"),
        (f"Garage solidaire {of_place}", association, economic, "Parrainage d'un chef d'entreprise"),
        (f"Menuiserie {surnames[1]} ({town})", company, economic, "Parrainage d'un chef d'entreprise"),
        (f"Imprimerie {surnames[2]} ({town})", company, economic, "Impression des flyers"),
        (
            f"Jardins {surnames[3]} paysagistes ({town})",
            company,
            economic,
            "Sous-traitance de petits chantiers",
        ),
        (f"Pharmacie {surnames[4]} ({town})", company, economic, ""),
        (f"Cabinet comptable {surnames[5]} ({town})", company, economic, "Aide à la tenue des comptes"),
        (f"Régie de quartier {place}", association, other, "Prêt de matériel"),
        (f"Médiathèque {of_place}", OrganisationType.LOCAL_AUTHORITY, other, "Prêt de salle"),
        (f"Ressourcerie {of_place}", association, other, "Chantiers de tri"),
        (f"Épicerie solidaire {place}", association, other, ""),
        (f"Association des commerçants {of_place}", association, other, "Relais auprès des commerçants"),
        (f"Entreprise {surnames[6]} Nettoyage ({town})", company, economic, "Formation aux gestes du métier"),
        (f"Maison de l'emploi {of_place}", association, other, ""),
        (f"Conseil citoyen {place}", association, other, "Relais auprès des habitants"),
    ]
    rng.shuffle(candidates)
    return [_partner(kinds, name, kind, role, in_kind=in_kind) for name, kind, role, in_kind in candidates]


def _again(plan: PartnerPlan, rng: random.Random) -> PartnerPlan:
    """The same partner in another edition, its cash contribution a little different."""
    if plan.contribution_eur is None:
        return plan
    factor = Decimal(rng.choice([80, 90, 100, 110, 120])) / 100
    contribution = (plan.contribution_eur * factor).quantize(Decimal("1"))
    return PartnerPlan(plan.organisation, plan.role, contribution, plan.in_kind)


def _flashcoop_partners(site: Site, kinds: dict[str, str]) -> list[PartnerPlan]:
    rng = seeded_random(f"partners-flashcoop:{site.name}")
    plans = [
        _partner(
            kinds,
            "Fondation de France",
            OrganisationType.FOUNDATION,
            PartnershipRole.FUNDER,
            contribution_eur=_money(rng, 3000, 6000, 500),
        ),
        _partner(
            kinds,
            "Fonds social européen",
            OrganisationType.STATE,
            PartnershipRole.FUNDER,
            contribution_eur=_money(rng, 4000, 8000, 500),
        ),
        _partner(
            kinds,
            f"Pôle emploi agence {_of(site.commune)}",
            OrganisationType.STATE,
            PartnershipRole.OTHER,
            in_kind="Orientation des demandeurs d'emploi",
        ),
        _partner(
            kinds,
            f"Mission locale {_of(site.commune)}",
            OrganisationType.ASSOCIATION,
            PartnershipRole.OTHER,
            in_kind="Orientation des participants",
        ),
    ]
    if rng.random() < 0.6:
        plans.append(
            _partner(
                kinds,
                f"Ville {_of(site.commune)}",
                OrganisationType.LOCAL_AUTHORITY,
                PartnershipRole.MUNICIPALITY,
                contribution_eur=_money(rng, 300, 1500, 100),
                in_kind="Prêt de salle",
            )
        )
    return plans


def _save_partnerships(partners: dict[Cohort, list[PartnerPlan]], kinds: dict[str, str]) -> None:
    """Create the organisations and partnerships that are missing (bulk, keyed on natural keys)."""
    by_key = {normalise(plan.organisation): plan.organisation for plan in _flatten(partners.values())}
    organisations = {
        organisation.normalised_name: organisation
        for organisation in Organisation.objects.filter(normalised_name__in=list(by_key))
    }
    missing = [
        Organisation(name=name, normalised_name=key, type=kinds[name])
        for key, name in by_key.items()
        if key not in organisations
    ]
    Organisation.objects.bulk_create(missing)
    organisations |= {organisation.normalised_name: organisation for organisation in missing}

    existing = set(
        Partnership.objects.filter(cohort__in=list(partners)).values_list(
            "cohort_id", "organisation_id", "role"
        )
    )
    new = []
    for cohort, plans in partners.items():
        for plan in plans:
            organisation = organisations[normalise(plan.organisation)]
            key = (cohort.pk, organisation.pk, plan.role)
            if key in existing:
                continue
            existing.add(key)
            new.append(
                Partnership(
                    cohort=cohort,
                    organisation=organisation,
                    role=plan.role,
                    contribution_eur=plan.contribution_eur,
                    in_kind=plan.in_kind,
                )
            )
    Partnership.objects.bulk_create(new)


# People


def _ascii(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if char.isascii() and char.isalnum()).lower()


def _email(first_name: str, last_name: str, rng: random.Random) -> str:
    return f"{_ascii(first_name)}.{_ascii(last_name)}{rng.randint(1, 99)}@example.org"


def _fictional_phone(rng: random.Random, *, mobile: bool) -> str:
    """Numbers from the ranges the telecoms regulator (ARCEP) keeps for fiction."""
    if mobile:
        return f"06 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
    return f"01 99 00 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def _born(rng: random.Random, age: int, on: datetime.date) -> datetime.date:
    """A birth date making someone exactly `age` on that day."""
    year_before = on.replace(year=on.year - age - 1)
    return year_before + datetime.timedelta(days=rng.randint(1, 364))


class _People:
    """Plans the members of the cohorts that have none yet, then saves them in a few bulk inserts."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.plans: dict[Cohort, list[MemberPlan]] = {}
        self.populated = set(
            Cohort.objects.annotate(n=Count("enrolments")).filter(n__gt=0).values_list("pk", flat=True)
        )

    def _needs_members(self, cohort: Cohort) -> bool:
        return cohort.pk not in self.populated

    def _names(
        self, rng: random.Random, count: int, *, female_share: float, adults: bool
    ) -> list[tuple[str, str, str]]:
        names: list[tuple[str, str, str]] = []
        taken = {ABSENTEE, MINOR_WITHOUT_CONSENT}
        while len(names) < count:
            gender = Gender.FEMALE if rng.random() < female_share else Gender.MALE
            pool = {
                (Gender.FEMALE, False): FEMALE_NAMES,
                (Gender.MALE, False): MALE_NAMES,
                (Gender.FEMALE, True): FEMALE_NAMES + ADULT_FEMALE_NAMES,
                (Gender.MALE, True): MALE_NAMES + ADULT_MALE_NAMES,
            }[(gender, adults)]
            first, last = rng.choice(pool), rng.choice(LAST_NAMES)
            if (first, last) not in taken:
                taken.add((first, last))
                names.append((first, last, gender))
        return names

    def _young(
        self, cohort: Cohort, rng: random.Random, first: str, last: str, gender: str, *, consent: bool = True
    ) -> MemberPlan:
        """A 15 to 18 year-old; minors come with a guardian and, unless told otherwise, their authorisation."""
        start = cohort.reference_date
        age = rng.choices([15, 16, 17, 18], weights=[2, 4, 4, 1])[0]
        in_education = rng.random() < 0.9
        person = Person(
            first_name=first,
            last_name=last,
            birth_date=_born(rng, age, start),
            gender=gender,
            email=_email(first, last, rng) if rng.random() < 0.7 else "",
            phone=_fictional_phone(rng, mobile=True) if rng.random() < 0.5 else "",
            is_qpv_resident=rng.random() < (0.75 if cohort.is_in_qpv else 0.1),
            education_level=EducationLevel.LOWER_SECONDARY if age <= 16 else EducationLevel.UPPER_SECONDARY,
            employment_status=EmploymentStatus.IN_EDUCATION if in_education else EmploymentStatus.UNEMPLOYED,
        )
        plan = MemberPlan(person=person, path=[])
        signed = start - datetime.timedelta(days=rng.randint(12, 35))
        guardian_name = ""
        if age < 18:
            parent = rng.choice(ADULT_FEMALE_NAMES if rng.random() < 0.65 else ADULT_MALE_NAMES)
            guardian_name = f"{parent} {last}"
            by_mail = rng.random() < 0.6
            plan.guardian = Guardian(
                person=person,
                name=guardian_name,
                email=f"{_ascii(parent)}.{_ascii(last)}@example.org" if by_mail else "",
                phone=_fictional_phone(rng, mobile=False) if not by_mail or rng.random() < 0.3 else "",
            )
            if consent:
                plan.consents.append(
                    Consent(
                        person=person,
                        kind=ConsentKind.GUARDIAN_AUTHORISATION,
                        given_by=guardian_name,
                        given_date=signed,
                    )
                )
        if consent and rng.random() < 0.6:
            plan.consents.append(
                Consent(
                    person=person, kind=ConsentKind.IMAGE_RIGHTS, given_by=guardian_name, given_date=signed
                )
            )
        return plan

    def plan_closed_cjs(self, cohort: Cohort, rng: random.Random, *, excluded: bool = False) -> None:
        if not self._needs_members(cohort):
            return
        start, end = _span(cohort)
        plans = []
        for index, (first, last, gender) in enumerate(
            self._names(rng, rng.randint(10, 15), female_share=0.55, adults=False)
        ):
            plan = self._young(cohort, rng, first, last, gender)
            plan.path = _started_path(rng, start)
            if excluded and index == 0:
                plan.path.append(
                    (EnrolmentStatus.EXCLUDED, start + datetime.timedelta(days=rng.randint(20, 35)))
                )
                plan.exit_reason = ExitReason.BEHAVIOUR
            elif rng.random() < 0.08:
                plan.path.append(
                    (EnrolmentStatus.WITHDRAWN, start + datetime.timedelta(days=rng.randint(8, 40)))
                )
                plan.exit_reason = rng.choice(WITHDRAWAL_REASONS)
            else:
                plan.path.append((EnrolmentStatus.COMPLETED, end))
            plan.exit_note = EXIT_NOTES.get(plan.exit_reason, "") if plan.exit_reason else ""
            plans.append(plan)
        self.plans[cohort] = plans

    def plan_live_cjs(self, cohort: Cohort, rng: random.Random) -> None:
        """This year's members: applications, a waiting list and, once started, active members."""
        if not self._needs_members(cohort):
            return
        start = _span(cohort)[0]
        started = start <= self.today
        plans = []
        names = self._names(rng, rng.randint(10, 12), female_share=0.55, adults=False)
        if cohort.name == ALERT_COHORT:
            names = [(*MINOR_WITHOUT_CONSENT, Gender.FEMALE), (*ABSENTEE, Gender.MALE), *names[2:]]
        for first, last, gender in names:
            missing_consent = (first, last) == MINOR_WITHOUT_CONSENT
            plan = self._young(cohort, rng, first, last, gender, consent=not missing_consent)
            if missing_consent:
                # Applied before the guardian signed: the facilitator sees what is missing.
                plan.person.birth_date = _born(rng, 15, start)
                plan.person.education_level = EducationLevel.LOWER_SECONDARY
                status = EnrolmentStatus.APPLIED
            elif (first, last) == ABSENTEE:
                status = EnrolmentStatus.ACTIVE
            elif started:
                status = rng.choices(
                    [EnrolmentStatus.ACTIVE, EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED],
                    weights=[8, 1, 1],
                )[0]
            else:
                status = rng.choices(
                    [EnrolmentStatus.ENROLLED, EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED],
                    weights=[5, 3, 2],
                )[0]
            plan.path = _live_path(rng, status, start, self.today)
            plans.append(plan)
        self.plans[cohort] = plans

    def plan_flashcoop(self, cohort: Cohort, rng: random.Random) -> None:
        """Adults far from employment, for five days."""
        if not self._needs_members(cohort):
            return
        start, end = _span(cohort)
        plans = []
        for first, last, gender in self._names(rng, rng.randint(6, 12), female_share=0.5, adults=True):
            age = rng.randint(25, 55)
            person = Person(
                first_name=first,
                last_name=last,
                birth_date=_born(rng, age, start),
                gender=gender,
                email=_email(first, last, rng) if rng.random() < 0.8 else "",
                phone=_fictional_phone(rng, mobile=True),
                is_qpv_resident=rng.random() < (0.6 if cohort.is_in_qpv else 0.1),
                education_level=rng.choices(
                    [choice.value for choice in EducationLevel], weights=[3, 3, 4, 2, 1]
                )[0],
                employment_status=rng.choices(
                    [
                        EmploymentStatus.UNEMPLOYED,
                        EmploymentStatus.LONG_TERM_UNEMPLOYED,
                        EmploymentStatus.INACTIVE,
                    ],
                    weights=[4, 4, 2],
                )[0],
            )
            signed = start - datetime.timedelta(days=rng.randint(5, 15))
            plan = MemberPlan(
                person=person,
                path=[
                    (EnrolmentStatus.APPLIED, start - datetime.timedelta(days=rng.randint(20, 40))),
                    (EnrolmentStatus.ENROLLED, signed),
                    (EnrolmentStatus.ACTIVE, start),
                ],
                consents=[Consent(person=person, kind=ConsentKind.DATA_PROCESSING, given_date=signed)],
            )
            if rng.random() < 0.08:
                plan.path.append(
                    (EnrolmentStatus.WITHDRAWN, start + datetime.timedelta(days=rng.randint(1, 3)))
                )
                plan.exit_reason = rng.choice([ExitReason.FOUND_JOB, ExitReason.HEALTH, ExitReason.FAMILY])
                plan.exit_note = EXIT_NOTES[plan.exit_reason]
            else:
                plan.path.append((EnrolmentStatus.COMPLETED, end))
            plans.append(plan)
        self.plans[cohort] = plans

    def save(self) -> None:
        plans = _flatten_members(self.plans.values())
        Person.objects.bulk_create([plan.person for plan in plans], batch_size=500)
        for plan in plans:
            if plan.guardian:
                plan.guardian.person = plan.person
            for consent in plan.consents:
                consent.person = plan.person
        Guardian.objects.bulk_create([plan.guardian for plan in plans if plan.guardian], batch_size=500)
        Consent.objects.bulk_create([c for plan in plans for c in plan.consents], batch_size=500)
        enrolments = []
        for cohort, cohort_plans in self.plans.items():
            for plan in cohort_plans:
                status, status_date = plan.path[-1]
                enrolments.append(
                    Enrolment(
                        person=plan.person,
                        cohort=cohort,
                        status=status,
                        status_date=status_date,
                        exit_reason=plan.exit_reason,
                        exit_note=plan.exit_note,
                    )
                )
        Enrolment.objects.bulk_create(enrolments, batch_size=500)
        changes = []
        for enrolment, plan in zip(enrolments, plans, strict=True):
            previous = ""
            for status, on in plan.path:
                changes.append(
                    EnrolmentStatusChange(
                        enrolment=enrolment, from_status=previous, to_status=status, changed_date=on
                    )
                )
                previous = status
        EnrolmentStatusChange.objects.bulk_create(changes, batch_size=1000)


def _flatten_members(lists: Iterable[list[MemberPlan]]) -> list[MemberPlan]:
    return [plan for plans in lists for plan in plans]


def _started_path(rng: random.Random, start: datetime.date) -> list[tuple[str, datetime.date]]:
    return [
        (EnrolmentStatus.APPLIED, start - datetime.timedelta(days=rng.randint(30, 60))),
        (EnrolmentStatus.ENROLLED, start - datetime.timedelta(days=rng.randint(5, 15))),
        (EnrolmentStatus.ACTIVE, start),
    ]


def _live_path(
    rng: random.Random, status: str, start: datetime.date, today: datetime.date
) -> list[tuple[str, datetime.date]]:
    enrolled = min(start - datetime.timedelta(days=rng.randint(5, 15)), today - datetime.timedelta(days=2))
    applied = enrolled - datetime.timedelta(days=rng.randint(10, 30))
    path: list[tuple[str, datetime.date]] = [(EnrolmentStatus.APPLIED, applied)]
    if status == EnrolmentStatus.WAITLISTED:
        path.append((EnrolmentStatus.WAITLISTED, enrolled))
    if status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.ACTIVE):
        path.append((EnrolmentStatus.ENROLLED, enrolled))
    if status == EnrolmentStatus.ACTIVE:
        path.append((EnrolmentStatus.ACTIVE, start))
    return path


def _seed_learner(cohort: Cohort, today: datetime.date) -> None:
    """The demo learner: a 16-year-old active member of a cohort the demo facilitator runs."""
    user = User.objects.filter(username="jeune").first()
    if user is None:
        return
    start = cohort.reference_date
    person = Person.objects.filter(user=user).first()
    if person is None:
        rng = seeded_random("learner")
        person = Person.objects.create(
            user=user,
            first_name=user.first_name or "Lina",
            last_name=user.last_name or "Moreau",
            birth_date=_born(rng, 16, start),
            gender=Gender.FEMALE,
            email=user.email,
            is_qpv_resident=True,
            education_level=EducationLevel.LOWER_SECONDARY,
            employment_status=EmploymentStatus.IN_EDUCATION,
        )
        signed = start - datetime.timedelta(days=20)
        Guardian.objects.create(person=person, name=LEARNER_GUARDIAN, email="nadia.moreau@example.org")
        Consent.objects.bulk_create(
            [
                Consent(
                    person=person,
                    kind=ConsentKind.GUARDIAN_AUTHORISATION,
                    given_by=LEARNER_GUARDIAN,
                    given_date=signed,
                ),
                Consent(
                    person=person, kind=ConsentKind.IMAGE_RIGHTS, given_by=LEARNER_GUARDIAN, given_date=signed
                ),
            ]
        )
    if Enrolment.objects.filter(person=person, cohort=cohort).exists():
        return
    path = _live_path(seeded_random("learner"), EnrolmentStatus.ACTIVE, start, today)
    status, status_date = path[-1]
    enrolment = Enrolment.objects.create(person=person, cohort=cohort, status=status, status_date=status_date)
    previous = ""
    for step, on in path:
        EnrolmentStatusChange.objects.create(
            enrolment=enrolment, from_status=previous, to_status=step, changed_date=on
        )
        previous = step


# Sessions and attendance


def _spread(start: datetime.date, end: datetime.date, count: int) -> list[datetime.date]:
    """`count` weekdays spread from the first to the last day."""
    days = []
    for index in range(count):
        day = start + datetime.timedelta(days=round(index * (end - start).days / max(count - 1, 1)))
        if day.weekday() == 5:
            day -= datetime.timedelta(days=1)
        elif day.weekday() == 6:
            day += datetime.timedelta(days=1)
        days.append(min(day, end))
    return days


def _live_days(start: datetime.date, today: datetime.date) -> list[datetime.date]:
    """Mondays and Thursdays since the start, today excluded (its sheet is still to fill in)."""
    days, day = [], start
    while day < today:
        if day.weekday() in (0, 3):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _seed_sessions(
    templates: dict[Cohort, SessionTemplates], *, live: list[Cohort], today: datetime.date
) -> None:
    """Sessions and attendance sheets of the cohorts that have no session yet."""
    with_sessions = set(
        Session.objects.filter(cohort__in=[*templates, *live]).values_list("cohort_id", flat=True)
    )
    sessions: list[Session] = []
    for cohort, kinds in templates.items():
        if cohort.pk in with_sessions:
            continue
        if kinds is FLASHCOOP_SESSIONS:
            days = [_span(cohort)[0] + datetime.timedelta(days=offset) for offset in range(len(kinds))]
        else:
            days = _spread(*_span(cohort), len(kinds))
        for day, (kind, title) in zip(days, kinds, strict=True):
            sessions.append(_session(cohort, day, kind, title, full_day=kinds is FLASHCOOP_SESSIONS))
    for cohort in live:
        if cohort.pk in with_sessions:
            continue
        for index, day in enumerate(_live_days(_span(cohort)[0], today)):
            kind, title = LIVE_SESSIONS[index % len(LIVE_SESSIONS)]
            sessions.append(_session(cohort, day, kind, title))
    Session.objects.bulk_create(sessions, batch_size=500)

    by_cohort: dict[int, list[Session]] = {}
    for session in sessions:
        by_cohort.setdefault(session.cohort_id, []).append(session)
    live_ids = {cohort.pk for cohort in live}
    attendances = []
    enrolments = Enrolment.objects.filter(cohort_id__in=list(by_cohort)).select_related("person", "cohort")
    for enrolment in enrolments.order_by("cohort_id", "pk"):
        cohort_sessions = sorted(by_cohort[enrolment.cohort_id], key=lambda session: session.date)
        rng = seeded_random(f"attendance:{enrolment.cohort.name}:{enrolment.person}:{enrolment.status_date}")
        attended = _attended_sessions(enrolment, cohort_sessions)
        is_absentee = enrolment.cohort.name == ALERT_COHORT and (
            (enrolment.person.first_name, enrolment.person.last_name) == ABSENTEE
        )
        for index, session in enumerate(attended):
            status = rng.choices(
                [AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED],
                weights=[88, 7, 5],
            )[0]
            from_end = len(attended) - index
            if enrolment.cohort_id in live_ids:
                # Live cohorts: one member to call back, everybody else came to the last session.
                if is_absentee:
                    status = AttendanceStatus.UNEXCUSED if from_end <= 3 else AttendanceStatus.PRESENT
                elif from_end == 1:
                    status = AttendanceStatus.PRESENT
            attendances.append(Attendance(session=session, enrolment=enrolment, status=status))
    Attendance.objects.bulk_create(attendances, batch_size=1000)


def _session(cohort: Cohort, day: datetime.date, kind: str, title: str, *, full_day: bool = False) -> Session:
    start, end = FULL_DAY if full_day else (AFTERNOON if kind == SessionKind.WORK else MORNING)
    return Session(cohort=cohort, date=day, start_time=start, end_time=end, kind=kind, title=title)


def _attended_sessions(enrolment: Enrolment, sessions: list[Session]) -> list[Session]:
    """The sessions a member was expected at: all of them once active, until they left."""
    if enrolment.status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED):
        return sessions
    if enrolment.status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.EXCLUDED):
        return [session for session in sessions if session.date < enrolment.status_date]
    return []


# Staff of the demo accounts


def _seed_staff(cjs: Programme, *, facilitated: list[Cohort]) -> None:
    users = {
        user.username: user
        for user in User.objects.filter(username__in=["animateur", "coordinatrice", "partenaire"])
    }
    if "animateur" in users:
        for cohort in facilitated:
            FacilitatorAssignment.objects.get_or_create(user=users["animateur"], cohort=cohort)
    if "coordinatrice" in users:
        scope, _created = CoordinatorScope.objects.get_or_create(user=users["coordinatrice"], programme=cjs)
        scope.regions.add(*Region.objects.filter(code__in=COORDINATOR_REGIONS))
    if "partenaire" in users:
        organisation = Organisation.objects.get(normalised_name=normalise(PARTNER_ORGANISATION))
        PartnerContact.objects.get_or_create(user=users["partenaire"], organisation=organisation)
