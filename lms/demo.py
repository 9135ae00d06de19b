"""Demo courses for `seed_demo`: the network's "Créer une CAE" training (objectives from the 2018 activity
report, funded: its certificates are certificats de réalisation), "Découvrir la coopérative" and
"Bienvenue dans la CJS" for CJS members, and "Animer une CJS" for facilitators. The demo learner has
completed "Bienvenue dans la CJS" and holds its certificate. "Créer une CAE" ends with a SCORM 1.2 lesson
whose small package is generated in code (lms.scorm.samples).

Each course has one virtual class (a live session linked to the lesson that presents it); the demo learner
has some connected time and a few logins in the connection log.

Idempotent: the catalogue, courses, quizzes and live sessions are looked up by slug or title and left alone
when they exist (an editor's changes survive), and demo learners' progress is only written with their
enrolment.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from wagtail.models import Page, Site

from lms import services
from lms.choices import CompletionRule, LiveSessionKind, Modality, QuestionKind
from lms.models import (
    Choice,
    ConnectionLog,
    CourseEnrolment,
    CourseIndexPage,
    CoursePage,
    LessonCompletion,
    LessonPage,
    LessonTime,
    LiveSession,
    ModulePage,
    Question,
    Quiz,
    ScormPackage,
    TrainingProvider,
)
from lms.scorm import samples
from lms.scorm import services as scorm_services
from programmes.choices import OrganisationType
from programmes.models import Enrolment, Organisation, User
from programmes.text import normalise

CATALOGUE_SLUG = "formations"
PROVIDER_NAME = "Coopérer pour Entreprendre"
# Fictional identifiers in the right formats (14 and 11 digits).
PROVIDER_SIRET = "00000000000000"
PROVIDER_DECLARATION = "00000000000"


@dataclass(frozen=True)
class QuizSpec:
    title: str
    # (text, kind, explanation, [(choice text, is_correct)])
    questions: list[tuple[str, str, str, list[tuple[str, bool]]]]
    pass_mark: int | None = None
    max_attempts: int | None = 3


@dataclass(frozen=True)
class LessonSpec:
    slug: str
    title: str
    minutes: int
    rule: str
    body: list[dict[str, Any]]
    required: bool = True


@dataclass(frozen=True)
class LiveSpec:
    """The course's virtual class, linked to the lesson (by slug) that presents it."""

    title: str
    lesson_slug: str
    join_url: str
    days_ahead: int
    hour: int
    minutes: int = 60
    description: str = ""


@dataclass(frozen=True)
class ModuleSpec:
    slug: str
    title: str
    summary: str
    lessons: list[LessonSpec]


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    summary: str
    audience: str
    objectives: list[str]
    prerequisites: str
    modality: str
    hours: str
    is_open: bool
    quiz: QuizSpec
    # The course's virtual class (the short welcome course has none).
    live: LiveSpec | None = None
    modules: list[ModuleSpec] = field(default_factory=list)
    pass_mark: int = 70
    is_funded: bool = False


def text(*paragraphs: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)}


def bullets(intro: str, items: list[str]) -> dict[str, Any]:
    listed = "".join(f"<li>{item}</li>" for item in items)
    return {"type": "paragraph", "value": f"<p>{intro}</p><ul>{listed}</ul>"}


def callout(kind: str, title: str, body: str) -> dict[str, Any]:
    return {"type": "callout", "value": {"kind": kind, "title": title, "text": f"<p>{body}</p>"}}


def virtual_class(title: str, description: str) -> dict[str, Any]:
    return {"type": "virtual_class", "value": {"title": title, "description": description}}


QUIZ = {"type": "quiz", "value": None}  # the quiz's id is filled in when the course is created
TRUE_FALSE = QuestionKind.TRUE_FALSE


DISCOVER = CourseSpec(
    slug="decouvrir-la-cooperative",
    title="Découvrir la coopérative",
    summary=(
        "Quatre repères pour bien démarrer dans votre Coopérative Jeunesse de Services : décider ensemble, "
        "fixer le prix d'un service, parler à un client et travailler en sécurité."
    ),
    audience="Coopérantes et coopérants des CJS, de 16 à 18 ans.",
    objectives=[
        "Expliquer le principe « une personne, une voix ».",
        "Fixer le prix d'un service en couvrant le temps et le matériel.",
        "Présenter un service à un client et conclure un accord clair.",
        "Repérer un risque et savoir refuser une tâche dangereuse.",
    ],
    prerequisites="<p>Aucun. Un téléphone suffit.</p>",
    modality=Modality.REMOTE,
    hours="1.5",
    is_open=True,
    live=LiveSpec(
        title="Notre première assemblée",
        lesson_slug="classe-virtuelle-premiere-assemblee",
        join_url="https://meet.jit.si/essaim-demo-premiere-assemblee",
        days_ahead=1,
        hour=18,
        description="Préparer ensemble l'ordre du jour de la première assemblée.",
    ),
    quiz=QuizSpec(
        title="Quiz : la coopérative",
        questions=[
            (
                "À l'assemblée de la CJS, combien de voix a chaque coopérant·e ?",
                QuestionKind.SINGLE,
                "Une personne, une voix : chacun·e pèse autant dans les décisions, quel que soit son temps "
                "de travail ou son ancienneté.",
                [
                    ("Une voix, quel que soit son temps de travail", True),
                    ("Autant de voix que d'heures travaillées", False),
                    ("Seul·es les plus âgé·es votent", False),
                ],
            ),
            (
                "Que faut-il compter pour fixer le prix d'un service ?",
                QuestionKind.MULTIPLE,
                "Le prix couvre le temps de travail, le matériel et les déplacements ; les goûts du client ne "
                "changent pas le coût.",
                [
                    ("Le temps de travail", True),
                    ("Le matériel et les déplacements", True),
                    ("La couleur préférée du client", False),
                ],
            ),
            (
                "On peut refuser une tâche dangereuse, même si le client insiste.",
                TRUE_FALSE,
                "Vrai : votre sécurité passe avant le contrat. Prévenez votre animateur·rice.",
                [("Vrai", True), ("Faux", False)],
            ),
        ],
    ),
    modules=[
        ModuleSpec(
            "une-personne-une-voix",
            "Une personne, une voix",
            "Comment une coopérative décide : chacun·e a la même voix.",
            [
                LessonSpec(
                    "qu-est-ce-qu-une-cooperative",
                    "Qu'est-ce qu'une coopérative ?",
                    5,
                    CompletionRule.VIEW,
                    [
                        text(
                            "Une coopérative est une entreprise qui appartient à celles et ceux qui y travaillent. "
                            "Dans votre CJS, ce sont les coopérant·es qui choisissent les services, les clients, "
                            "les prix et ce que l'on fait de l'argent gagné.",
                            "L'animateur·rice vous accompagne, mais ne décide pas à votre place.",
                        ),
                        callout(
                            "tip", "À retenir", "La coopérative, c'est vous : on décide ensemble, on partage."
                        ),
                    ],
                ),
                LessonSpec(
                    "decider-ensemble",
                    "Décider ensemble en assemblée",
                    8,
                    CompletionRule.MARK_DONE,
                    [
                        bullets(
                            "L'assemblée générale réunit tous les coopérant·es. On y vote :",
                            [
                                "les services proposés et les tarifs ;",
                                "la composition des comités (marketing, finances, ressources humaines) ;",
                                "la répartition des excédents à la fin de l'été.",
                            ],
                        ),
                        text(
                            "Chaque personne a une voix. Pour qu'un vote soit juste, chacun·e doit avoir pu "
                            "donner son avis avant."
                        ),
                        callout(
                            "info",
                            "En classe virtuelle",
                            "La séquence suivante vous invite à préparer votre première assemblée en visio.",
                        ),
                    ],
                ),
                LessonSpec(
                    "classe-virtuelle-premiere-assemblee",
                    "Classe virtuelle : notre première assemblée",
                    60,
                    CompletionRule.ATTENDANCE,
                    [
                        text(
                            "Une heure en visio avec votre animateur·rice et votre CJS pour préparer l'ordre du "
                            "jour de la première assemblée. Un téléphone suffit : cliquez sur « Rejoindre » "
                            "quelques minutes avant le début."
                        ),
                        virtual_class(
                            "Notre première assemblée",
                            "Une heure en visio avec votre animateur·rice pour préparer l'ordre du jour.",
                        ),
                    ],
                    required=False,
                ),
            ],
        ),
        ModuleSpec(
            "vendre-un-service",
            "Vendre un service",
            "Calculer un prix juste et parler à un client.",
            [
                LessonSpec(
                    "fixer-le-prix",
                    "Fixer le prix d'un service",
                    10,
                    CompletionRule.VIEW,
                    [
                        text(
                            "Un bon prix couvre ce que le service coûte à la coopérative, et un peu plus pour "
                            "ses projets."
                        ),
                        bullets(
                            "Pour le calculer, additionnez :",
                            [
                                "le temps de travail de chaque coopérant·e (en heures) ;",
                                "le matériel (produits, outils, sacs) ;",
                                "les déplacements.",
                            ],
                        ),
                        callout(
                            "info",
                            "Exemple",
                            "Laver les vitres d'une maison : 2 personnes pendant 2 heures, 5 € de produit. Le comité "
                            "finances propose un tarif, l'assemblée le vote.",
                        ),
                    ],
                ),
                LessonSpec(
                    "parler-a-un-client",
                    "Parler à un client",
                    10,
                    CompletionRule.MARK_DONE,
                    [
                        bullets(
                            "Au téléphone ou à la porte, en quatre temps :",
                            [
                                "se présenter : « Bonjour, je suis de la Coopérative Jeunesse de Services » ;",
                                "écouter le besoin et poser des questions ;",
                                "annoncer le prix et la date, sans promettre ce que l'on ne sait pas faire ;",
                                "confirmer par écrit (le contrat de service).",
                            ],
                        ),
                        callout(
                            "tip", "Astuce", "Entraînez-vous à deux : l'un·e joue le client, l'autre la CJS."
                        ),
                    ],
                ),
            ],
        ),
        ModuleSpec(
            "travailler-en-securite",
            "Travailler en sécurité",
            "Repérer les risques avant de commencer.",
            [
                LessonSpec(
                    "la-securite-au-travail",
                    "La sécurité au travail",
                    8,
                    CompletionRule.MARK_DONE,
                    [
                        text(
                            "Avant chaque chantier, regardez ce qui peut blesser : hauteur, produits, outils "
                            "coupants, charges lourdes, chaleur."
                        ),
                        callout(
                            "warning",
                            "Vous pouvez dire non",
                            "Une tâche vous paraît dangereuse ? Arrêtez-vous et appelez votre animateur·rice. "
                            "Aucun contrat ne vaut une blessure.",
                        ),
                    ],
                ),
                LessonSpec(
                    "quiz-la-cooperative",
                    "Quiz : êtes-vous prêt·e ?",
                    10,
                    CompletionRule.QUIZ,
                    [
                        text("Trois questions pour vérifier les repères de ce parcours. Il faut tout juste."),
                        QUIZ,
                    ],
                ),
            ],
        ),
    ],
)

FACILITATE = CourseSpec(
    slug="animer-une-cjs",
    title="Animer une CJS",
    summary="Le rôle de l'animateur·rice de CJS : accompagner un groupe de jeunes vers l'autonomie coopérative.",
    audience="Animatrices et animateurs de CJS, salarié·es des structures porteuses.",
    objectives=[
        "Accompagner un groupe de jeunes sans décider à sa place.",
        "Animer l'assemblée générale et les comités.",
        "Sécuriser l'activité : contrats de service, assurance, sécurité des jeunes.",
    ],
    prerequisites="<p>Être recruté·e comme animateur·rice d'une CJS de l'année.</p>",
    modality=Modality.BLENDED,
    hours="6",
    is_open=False,
    live=LiveSpec(
        title="Atelier entre animateur·rices",
        lesson_slug="premiere-assemblee",
        join_url="https://bbb.example.org/rooms/animer-une-cjs/join",
        days_ahead=3,
        hour=14,
        minutes=90,
        description="Échange de pratiques sur la première assemblée.",
    ),
    quiz=QuizSpec(
        title="Quiz : animer une CJS",
        questions=[
            (
                "Qui décide des prix pratiqués par la CJS ?",
                QuestionKind.SINGLE,
                "Les coopérant·es décident, en comité puis en assemblée ; l'animateur·rice les outille.",
                [
                    ("Les coopérant·es, en comité et en assemblée", True),
                    ("L'animateur·rice", False),
                    ("La structure porteuse", False),
                ],
            ),
            (
                "Quelles instances font vivre la CJS ?",
                QuestionKind.MULTIPLE,
                "L'assemblée générale et les comités ; les partenaires du comité local soutiennent sans décider.",
                [("L'assemblée générale", True), ("Les comités", True), ("Le conseil municipal", False)],
            ),
            (
                "Un chantier en hauteur peut être accepté si le client prête une échelle.",
                TRUE_FALSE,
                "Faux : les travaux en hauteur sont exclus des services d'une CJS.",
                [("Vrai", False), ("Faux", True)],
            ),
        ],
    ),
    modules=[
        ModuleSpec(
            "role-animateur",
            "Le rôle de l'animateur·rice",
            "Accompagner, pas diriger.",
            [
                LessonSpec(
                    "accompagner",
                    "Accompagner sans décider à la place",
                    15,
                    CompletionRule.VIEW,
                    [
                        text(
                            "L'animateur·rice pose le cadre (sécurité, horaires, règles du groupe) et aide les "
                            "jeunes à prendre leurs décisions. La tentation de « faire à la place » est forte "
                            "quand un client attend : c'est pourtant l'erreur qui coûte le plus à la dynamique "
                            "coopérative."
                        ),
                    ],
                ),
                LessonSpec(
                    "un-ete-en-cjs",
                    "Les étapes d'un été en CJS",
                    20,
                    CompletionRule.MARK_DONE,
                    [
                        bullets(
                            "Un été type :",
                            [
                                "semaine 1 : formation, création des comités, première assemblée ;",
                                "semaines 2 à 8 : prospection, contrats, chantiers, réunions hebdomadaires ;",
                                "dernière semaine : bilan, assemblée de répartition des excédents.",
                            ],
                        ),
                    ],
                ),
            ],
        ),
        ModuleSpec(
            "animer-les-instances",
            "Animer les instances",
            "Assemblée générale et comités.",
            [
                LessonSpec(
                    "premiere-assemblee",
                    "Préparer la première assemblée",
                    30,
                    CompletionRule.MARK_DONE,
                    [
                        text(
                            "Préparez un ordre du jour court, un mode de vote expliqué à l'avance et un compte "
                            "rendu tenu par un·e jeune."
                        ),
                        virtual_class(
                            "Atelier entre animateur·rices",
                            "Échange de pratiques sur la première assemblée, en visio.",
                        ),
                    ],
                ),
                LessonSpec(
                    "les-comites",
                    "Les comités : marketing, finances, ressources humaines",
                    20,
                    CompletionRule.VIEW,
                    [
                        text(
                            "Chaque comité prépare les décisions de son domaine et les soumet à l'assemblée. "
                            "Faites tourner les rôles pour que chacun·e découvre plusieurs métiers."
                        ),
                    ],
                ),
            ],
        ),
        ModuleSpec(
            "securiser-l-activite",
            "Sécuriser l'activité",
            "Contrats, assurance et sécurité des jeunes.",
            [
                LessonSpec(
                    "contrats-et-securite",
                    "Contrats, assurance et sécurité",
                    30,
                    CompletionRule.VIEW,
                    [
                        text(
                            "Chaque service fait l'objet d'un contrat écrit : description, date, prix. La "
                            "structure porteuse assure l'activité ; vérifiez que chaque chantier entre dans le "
                            "champ de l'assurance.",
                        ),
                        callout(
                            "warning",
                            "Travaux exclus",
                            "Pas de travaux en hauteur, pas de produits dangereux, pas de machines à moteur.",
                        ),
                    ],
                ),
                LessonSpec(
                    "quiz-animer",
                    "Quiz : animer une CJS",
                    10,
                    CompletionRule.QUIZ,
                    [QUIZ],
                ),
            ],
        ),
    ],
)

CREATE_CAE = CourseSpec(
    slug="creer-une-cae",
    title="Créer une CAE",
    summary=(
        "Deux jours pour les porteuses et porteurs de projet de coopérative d'activité et d'emploi : histoire, "
        "parcours des entrepreneur·es, droit social, rémunération, comptabilité et risques."
    ),
    audience="Porteuses et porteurs de projet de CAE.",
    objectives=[
        "Connaître l'histoire des CAE et les valeurs du réseau Coopérer pour Entreprendre.",
        "Comprendre le parcours d'un porteur en CAE.",
        "Comprendre la logique d'une demande de prise en charge assurantielle.",
        "S'initier à la législation sociale, appréhender la logique des contrats CAPE et CESA.",
        "Comprendre les grands principes de la rémunération.",
        "Connaître les missions, méthodes et postures de l'accompagnement.",
        "Percevoir les spécificités des règles comptables en CAE.",
        "Identifier les principaux risques pour les entrepreneurs et les CAE.",
    ],
    prerequisites="<p>Porter un projet de création de CAE.</p>",
    modality=Modality.IN_PERSON,
    hours="14",
    is_open=True,
    is_funded=True,
    live=LiveSpec(
        title="Étude de cas : la rémunération",
        lesson_slug="remuneration",
        join_url="https://meet.jit.si/essaim-demo-creer-une-cae",
        days_ahead=7,
        hour=10,
        description="Calculer ensemble la rémunération d'un·e entrepreneur·e salarié·e.",
    ),
    quiz=QuizSpec(
        title="Quiz : créer une CAE",
        questions=[
            (
                "Quel contrat permet de tester son activité en CAE avant d'en devenir salarié·e ?",
                QuestionKind.SINGLE,
                "Le CAPE (contrat d'appui au projet d'entreprise) précède le CESA (contrat d'entrepreneur "
                "salarié associé).",
                [("Le CAPE", True), ("Le CESA", False), ("Un contrat d'apprentissage", False)],
            ),
            (
                "Depuis la loi de juillet 2014, un·e entrepreneur·e salarié·e présent·e depuis trois ans devient "
                "associé·e de la CAE.",
                TRUE_FALSE,
                "Vrai : la loi rend le sociétariat obligatoire après trois ans.",
                [("Vrai", True), ("Faux", False)],
            ),
            (
                "Que mutualise une CAE pour ses entrepreneur·es ?",
                QuestionKind.MULTIPLE,
                "La CAE mutualise la gestion, la comptabilité et l'accompagnement ; chacun·e garde ses clients.",
                [
                    ("La comptabilité et la gestion", True),
                    ("L'accompagnement", True),
                    ("Les clients de chaque entrepreneur·e", False),
                ],
            ),
        ],
    ),
    modules=[
        ModuleSpec(
            "histoire-et-valeurs",
            "Histoire et valeurs des CAE",
            "D'où viennent les CAE et ce qui les relie.",
            [
                LessonSpec(
                    "histoire-des-cae",
                    "D'où viennent les CAE ?",
                    60,
                    CompletionRule.VIEW,
                    [
                        text(
                            "Les coopératives d'activité et d'emploi sont nées au milieu des années 1990 pour "
                            "permettre à des personnes de créer leur activité au sein d'une entreprise "
                            "partagée, avec un statut salarié et un collectif.",
                            "La loi du 31 juillet 2014 relative à l'économie sociale et solidaire leur a donné "
                            "un cadre et a créé le statut d'entrepreneur·e salarié·e associé·e.",
                        ),
                    ],
                ),
                LessonSpec(
                    "parcours-porteur",
                    "Le parcours d'un·e porteur·se en CAE",
                    90,
                    CompletionRule.MARK_DONE,
                    [
                        bullets(
                            "Les étapes :",
                            [
                                "accueil et réunion d'information ;",
                                "test de l'activité en CAPE ;",
                                "salariat en CESA quand l'activité dégage un revenu ;",
                                "sociétariat : devenir associé·e de la coopérative.",
                            ],
                        ),
                    ],
                ),
            ],
        ),
        ModuleSpec(
            "droit-remuneration-comptabilite",
            "Droit social, rémunération et comptabilité",
            "Les règles propres aux CAE.",
            [
                LessonSpec(
                    "cape-et-cesa",
                    "CAPE et CESA",
                    120,
                    CompletionRule.VIEW,
                    [
                        text(
                            "Le CAPE encadre la phase de test : la personne garde ses droits (par exemple ses "
                            "allocations) et bénéficie de l'accompagnement. Le CESA en fait un·e salarié·e de la "
                            "CAE, rémunéré·e à partir du chiffre d'affaires de son activité.",
                        ),
                    ],
                ),
                LessonSpec(
                    "remuneration",
                    "La rémunération en CAE",
                    120,
                    CompletionRule.VIEW,
                    [
                        text(
                            "Le salaire découle du chiffre d'affaires de l'activité, diminué des charges et "
                            "de la contribution coopérative qui finance les services mutualisés."
                        ),
                        virtual_class(
                            "Étude de cas",
                            "Une heure en classe virtuelle pour calculer la rémunération d'un·e entrepreneur·e.",
                        ),
                    ],
                ),
                LessonSpec(
                    "comptabilite-et-risques",
                    "Règles comptables et risques",
                    150,
                    CompletionRule.MARK_DONE,
                    [
                        bullets(
                            "Les principaux risques à surveiller :",
                            [
                                "une activité qui ne couvre pas ses charges ;",
                                "des assurances inadaptées au métier exercé ;",
                                "une comptabilité analytique par activité mal tenue.",
                            ],
                        ),
                    ],
                ),
            ],
        ),
        ModuleSpec(
            "evaluation",
            "Évaluation",
            "Vérifier les acquis de la formation.",
            [LessonSpec("quiz-creer-une-cae", "Quiz : créer une CAE", 20, CompletionRule.QUIZ, [QUIZ])],
        ),
    ],
)

WELCOME = CourseSpec(
    slug="bienvenue-dans-la-cjs",
    title="Bienvenue dans la CJS",
    summary=(
        "Le parcours d'accueil des coopérant·es : d'où viennent les CJS, qui fait quoi pendant l'été et les "
        "règles de vie que le groupe se donne."
    ),
    audience="Nouvelles et nouveaux coopérants des CJS.",
    objectives=[
        "Situer sa CJS dans le réseau des coopératives jeunesse de services.",
        "Connaître l'équipe, le calendrier de l'été et les règles de vie du groupe.",
    ],
    prerequisites="<p>Aucun.</p>",
    modality=Modality.BLENDED,
    hours="1",
    is_open=False,
    quiz=QuizSpec(
        title="Quiz : bienvenue dans la CJS",
        questions=[
            (
                "Qui fixe les règles de vie du groupe ?",
                QuestionKind.SINGLE,
                "Le groupe les écrit ensemble à la première réunion ; l'animateur·rice rappelle le cadre.",
                [
                    ("Le groupe, ensemble", True),
                    ("L'animateur·rice seul·e", False),
                    ("Le client", False),
                ],
            ),
            (
                "Les CJS sont nées au Québec avant d'arriver en France.",
                TRUE_FALSE,
                "Vrai : les premières CJS sont québécoises (1988) ; la première CJS française date de 2013.",
                [("Vrai", True), ("Faux", False)],
            ),
        ],
    ),
    modules=[
        ModuleSpec(
            "la-cjs-en-bref",
            "La CJS en bref",
            "D'où viennent les CJS et comment se passe l'été.",
            [
                LessonSpec(
                    "d-ou-viennent-les-cjs",
                    "D'où viennent les CJS ?",
                    15,
                    CompletionRule.VIEW,
                    [
                        text(
                            "Les Coopératives Jeunesse de Services sont nées au Québec à la fin des années 1980. "
                            "En France, la première CJS a ouvert en 2013 ; elles sont aujourd'hui des dizaines "
                            "chaque été, portées par des coopératives d'activité et d'emploi et des associations."
                        ),
                    ],
                ),
                LessonSpec(
                    "l-equipe-et-l-ete",
                    "L'équipe et le calendrier de l'été",
                    20,
                    CompletionRule.MARK_DONE,
                    [
                        bullets(
                            "Autour de vous pendant l'été :",
                            [
                                "deux animateur·rices qui accompagnent le groupe ;",
                                "le comité local : la structure porteuse et les partenaires du territoire ;",
                                "les clients : habitant·es, entreprises, associations, collectivités.",
                            ],
                        ),
                        virtual_class(
                            "Réunion d'accueil",
                            "Une heure en visio pour se présenter et découvrir le calendrier de l'été.",
                        ),
                    ],
                ),
            ],
        ),
        ModuleSpec(
            "vivre-ensemble",
            "Vivre ensemble",
            "Les règles que le groupe se donne.",
            [
                LessonSpec(
                    "les-regles-de-vie",
                    "Les règles de vie du groupe",
                    15,
                    CompletionRule.VIEW,
                    [
                        text(
                            "Horaires, respect, téléphone, prise de parole : le groupe écrit ses règles à la "
                            "première réunion et les affiche dans le local."
                        ),
                    ],
                ),
                LessonSpec(
                    "quiz-bienvenue",
                    "Quiz : bienvenue dans la CJS",
                    10,
                    CompletionRule.QUIZ,
                    [QUIZ],
                ),
            ],
        ),
    ],
)

COURSES = [DISCOVER, WELCOME, FACILITATE, CREATE_CAE]


def _provider() -> TrainingProvider:
    organisation = Organisation.objects.filter(normalised_name=normalise(PROVIDER_NAME)).first()
    if organisation is None:
        organisation = Organisation.objects.create(name=PROVIDER_NAME, type=OrganisationType.OTHER)
    provider, _created = TrainingProvider.objects.get_or_create(
        organisation=organisation,
        defaults={
            "legal_name": PROVIDER_NAME,
            "siret": PROVIDER_SIRET,
            "declaration_number": PROVIDER_DECLARATION,
        },
    )
    return provider


def _quiz(spec: QuizSpec) -> Quiz:
    quiz = Quiz.objects.filter(title=spec.title).first()
    if quiz is not None:
        return quiz
    quiz = Quiz.objects.create(title=spec.title, pass_mark=spec.pass_mark, max_attempts=spec.max_attempts)
    for order, (question_text, kind, explanation, choices) in enumerate(spec.questions):
        question = Question.objects.create(
            quiz=quiz, text=question_text, kind=kind, explanation=explanation, sort_order=order
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=choice_text, is_correct=is_correct, sort_order=index)
            for index, (choice_text, is_correct) in enumerate(choices)
        )
    return quiz


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision(log_action=False).publish(log_action=False)
    return page


def _catalogue() -> CourseIndexPage:
    catalogue = CourseIndexPage.objects.filter(slug=CATALOGUE_SLUG).first()
    if catalogue is not None:
        return catalogue
    root = Site.objects.get(is_default_site=True).root_page
    intro = (
        "<p>Des parcours courts, à suivre sur téléphone ou en salle : pour les jeunes des CJS, les "
        "animateur·rices et les porteur·ses de projet de CAE.</p>"
    )
    return _publish(root, CourseIndexPage(title="Formations", slug=CATALOGUE_SLUG, intro=intro))  # type: ignore[return-value]


def _course(catalogue: CourseIndexPage, spec: CourseSpec, provider: TrainingProvider) -> CoursePage:
    existing = CoursePage.objects.filter(slug=spec.slug).first()
    if existing is not None:
        return existing
    quiz = _quiz(spec.quiz)
    course = CoursePage(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        audience=spec.audience,
        objectives=[{"type": "objective", "value": objective} for objective in spec.objectives],
        prerequisites=spec.prerequisites,
        modality=spec.modality,
        estimated_hours=spec.hours,
        has_certificate=True,
        is_funded=spec.is_funded,
        pass_mark=spec.pass_mark,
        is_open=spec.is_open,
        provider=provider,
    )
    _publish(catalogue, course)
    for module_spec in spec.modules:
        module = _publish(
            course, ModulePage(title=module_spec.title, slug=module_spec.slug, summary=module_spec.summary)
        )
        for lesson_spec in module_spec.lessons:
            body = [
                {"type": "quiz", "value": quiz.pk} if block is QUIZ else block for block in lesson_spec.body
            ]
            _publish(
                module,
                LessonPage(
                    title=lesson_spec.title,
                    slug=lesson_spec.slug,
                    estimated_minutes=lesson_spec.minutes,
                    completion_rule=lesson_spec.rule,
                    is_required=lesson_spec.required,
                    body=body,
                ),
            )
    return course


def _enrol_with_progress(username: str, course: CoursePage, *, by: str, lessons_done: int) -> None:
    """Enrol a demo account and complete its first lessons, a few days apart (only on first enrolment)."""
    user = User.objects.filter(username=username).first()
    staff = User.objects.filter(username=by).first()
    if user is None or CourseEnrolment.objects.filter(user=user, course=course).exists():
        return
    now = timezone.now()
    start = now - datetime.timedelta(days=lessons_done + 2)
    enrolment = services.enrol_in_course(course=course, user=user, by=staff or user)
    enrolment.enrolled_at = enrolment.seen_at = start
    enrolment.save(update_fields=["enrolled_at", "seen_at"])
    # Lessons completed by attending a live session are left for the facilitator to confirm.
    lessons = [
        lesson
        for lesson in LessonPage.objects.live().descendant_of(course).order_by("path")
        if lesson.completion_rule != CompletionRule.ATTENDANCE
    ][:lessons_done]
    LessonCompletion.objects.bulk_create(
        LessonCompletion(user=user, lesson=lesson, completed_at=start + datetime.timedelta(days=index + 1))
        for index, lesson in enumerate(lessons)
    )
    if lessons:
        enrolment.last_lesson = lessons[-1]
        enrolment.seen_at = now
        enrolment.save(update_fields=["last_lesson", "seen_at"])


def _completed_with_certificate(username: str, course: CoursePage, *, by: str) -> None:
    """A demo account that finished a course a few weeks ago and holds its certificate (PDF included).

    The certificate is issued in-process, without the e-mail; running again issues nothing new."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return
    enrolment = CourseEnrolment.objects.filter(user=user, course=course).first()
    if enrolment is None:
        staff = User.objects.filter(username=by).first()
        start = timezone.now() - datetime.timedelta(days=30)
        enrolment = services.enrol_in_course(course=course, user=user, by=staff or user)
        enrolment.enrolled_at = enrolment.seen_at = start
        lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
        LessonCompletion.objects.bulk_create(
            LessonCompletion(
                user=user, lesson=lesson, completed_at=start + datetime.timedelta(days=index + 1)
            )
            for index, lesson in enumerate(lessons)
        )
        enrolment.completed_at = start + datetime.timedelta(days=len(lessons))
        enrolment.last_lesson = lessons[-1] if lessons else None
        enrolment.save(update_fields=["enrolled_at", "seen_at", "completed_at", "last_lesson"])
    if enrolment.completed_at is not None:
        services.issue_certificate(enrolment=enrolment, notify=False, issued_at=enrolment.completed_at)


def seed_courses() -> None:
    """The catalogue under the site root, four courses, the demo learner half-way through one and
    certified for another."""
    provider = _provider()
    catalogue = _catalogue()
    courses = {spec.slug: _course(catalogue, spec, provider) for spec in COURSES}
    _enrol_with_progress("jeune", courses[DISCOVER.slug], by="animateur", lessons_done=3)
    _completed_with_certificate("jeune", courses[WELCOME.slug], by="animateur")
    _enrol_with_progress("animateur", courses[FACILITATE.slug], by="fabrique", lessons_done=2)

    _live_session(courses[DISCOVER.slug], DISCOVER.live, learner="jeune", facilitator="animateur")
    _live_session(courses[FACILITATE.slug], FACILITATE.live, learner=None, facilitator="fabrique")
    _live_session(courses[CREATE_CAE.slug], CREATE_CAE.live, learner=None, facilitator="fabrique")
    _connected_time("jeune", courses[DISCOVER.slug])
    _scorm_module(courses[CREATE_CAE.slug])


SCORM_DEMO_TITLE = "Les étapes de la création d'une CAE (module SCORM)"


def _scorm_module(course: CoursePage) -> None:
    """One SCORM 1.2 lesson at the end of the course's last module, its small package generated in code
    (once)."""
    if LessonPage.objects.descendant_of(course).filter(slug="etapes-creation-scorm").exists():
        return
    package = ScormPackage.objects.filter(title=SCORM_DEMO_TITLE).first()
    if package is None:
        archive = samples.build_package(
            title=SCORM_DEMO_TITLE,
            scos=[("etapes", "Les étapes de la création")],
            mastery_score=Decimal("60"),
        )
        package = scorm_services.create_package(
            title=SCORM_DEMO_TITLE, archive=ContentFile(archive, name="demo-scorm.zip"), by=None
        )
    module = ModulePage.objects.child_of(course).order_by("-path").first()
    if module is None:
        return
    _publish(
        module,
        LessonPage(
            title="Les étapes de la création",
            slug="etapes-creation-scorm",
            estimated_minutes=10,
            completion_rule=CompletionRule.SCORM,
            scorm_package=package,
            body=[{"type": "paragraph", "value": "<p>Parcourez le module jusqu'au bout.</p>"}],
        ),
    )


def _live_session(
    course: CoursePage, spec: LiveSpec | None, *, learner: str | None, facilitator: str
) -> None:
    """The course's virtual class, for the demo learner's cohort when there is one (once)."""
    if spec is None:
        return
    if LiveSession.objects.filter(course=course, title=spec.title).exists():
        return
    cohort = None
    if learner is not None:
        membership = (
            Enrolment.objects.filter(person__user__username=learner, role=Enrolment.Role.MEMBER)
            .select_related("cohort")
            .order_by("-cohort__edition__year")
            .first()
        )
        cohort = membership.cohort if membership is not None else None
    day = timezone.localdate() + datetime.timedelta(days=spec.days_ahead)
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(spec.hour)))
    session = LiveSession(
        course=course,
        cohort=cohort,
        lesson=LessonPage.objects.descendant_of(course).filter(slug=spec.lesson_slug).first(),
        kind=LiveSessionKind.VIRTUAL,
        title=spec.title,
        description=spec.description,
        starts_at=starts_at,
        duration_minutes=spec.minutes,
        join_url=spec.join_url,
        facilitator=User.objects.filter(username=facilitator).first(),
    )
    session.full_clean()
    session.save()


def _connected_time(username: str, course: CoursePage) -> None:
    """Some connected time on the lessons the demo learner completed, and her logins (once)."""
    user = User.objects.filter(username=username).first()
    if user is None or LessonTime.objects.filter(user=user).exists():
        return
    completions = LessonCompletion.objects.filter(
        user=user, lesson__in=LessonPage.objects.descendant_of(course)
    )
    for index, completion in enumerate(completions.select_related("lesson").order_by("completed_at")):
        day = timezone.localdate(completion.completed_at)
        # A little longer than estimated, from 17:00: one heartbeat slot per 30 seconds, none missed.
        slots = round(completion.lesson.estimated_minutes * 2 * (1.2 + 0.1 * index)) + 1
        first = 17 * 60 * 60 // services.SLOT_SECONDS
        bitmap = bytearray((first + slots) // 8 + 1)
        for slot in range(first, first + slots):
            bitmap[slot // 8] |= 1 << (slot % 8)
        LessonTime.objects.create(
            user=user,
            lesson=completion.lesson,
            activity_date=day,
            seconds=(slots - 1) * services.SLOT_SECONDS,
            slots=bytes(bitmap),
        )
        ConnectionLog.objects.create(
            user=user,
            logged_in_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 58))),
            device="Chrome · Android",
            network="192.0.2.0/24",
        )


def seed_courses_catalogue_and_provider() -> tuple[CourseIndexPage, TrainingProvider]:
    """The demo catalogue and provider, for the benchmark's scale data to hang its courses on."""
    return _catalogue(), _provider()
