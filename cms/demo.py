"""Demo content of the public site, drawn from the network's 2018 activity report.

Idempotent: each page is looked up by its slug under its parent and only created when missing, so a
later run never overwrites what an editor changed. Every name here is an organisation's, never a person's.
"""

import datetime
import io
from typing import Any

from django.core.files.images import ImageFile
from django.db import transaction

from wagtail.images.models import Image
from wagtail.models import Page, Site

from cms.models import (
    CjsDirectoryPage,
    FormField,
    FormPage,
    HomePage,
    ImpactReportIndexPage,
    ImpactReportPage,
    MainMenu,
    MainMenuItem,
    NewsIndexPage,
    NewsPage,
    OrganisationLogo,
    PartnersPage,
    ProgrammePage,
    SiteSettings,
    StandardPage,
)
from cms.roles import grant_page_permissions
from cms.selectors import CJS_SLUG, current_edition
from programmes.evaluation.demo import CJS_2018_CAMPAIGN
from programmes.models import Campaign, Organisation, Programme

CONTACT_EMAIL = "contact@demo.essaim.localhost"


def _p(*paragraphs: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": "".join(f"<p>{text}</p>" for text in paragraphs)}


def _h(text: str, level: str = "h2") -> dict[str, Any]:
    return {"type": "heading", "value": {"text": text, "level": level}}


def _quote(text: str, attribution: str) -> dict[str, Any]:
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


def _figures(heading: str, programme: str, year: int | None) -> dict[str, Any]:
    return {
        "type": "key_figures",
        "value": {"heading": heading, "programme": programme, "edition_year": year},
    }


def _cta(text: str, page: Page) -> dict[str, Any]:
    return {"type": "call_to_action", "value": {"text": text, "page": page.pk, "url": ""}}


HOME_BODY = [
    _h("Les Coopératives Jeunesse de Services"),
    _p(
        "Les Coopératives Jeunesse de Services sont des projets d'éducation à l'entrepreneuriat "
        "coopératif, pour les jeunes de 15 à 18 ans. Le temps d'un été, les jeunes s'initient au "
        "fonctionnement démocratique d'une entreprise, à l'organisation collective du travail, "
        "développant leur esprit d'initiative et prenant conscience de leurs capacités d'agir."
    ),
    _h("Flashcoop, des coopératives éphémères"),
    _p(
        "Flashcoop réunit, le temps de quelques jours, des adultes éloignés de l'emploi autour d'un "
        "vrai projet coopératif, avec un accompagnement spécifique (formation, mentorat, communauté), "
        "pour produire un « déclic » chez des personnes qui ne se tourneraient pas naturellement vers "
        "l'entrepreneuriat."
    ),
    _quote(
        "Le temps d'un été, les jeunes s'initient au fonctionnement démocratique d'une entreprise.",
        "Rapport d'activités 2018",
    ),
]

CJS_BODY = [
    _h("Une entreprise coopérative, le temps d'un été"),
    _p(
        "Une Coopérative Jeunesse de Services (CJS) réunit une quinzaine de jeunes de 15 à 18 ans qui créent "
        "et font vivre leur propre entreprise coopérative pendant l'été. Ils proposent des services aux "
        "habitants, aux entreprises et aux collectivités de leur territoire : entretien d'espaces verts, "
        "peinture, aide au déménagement, lavage de vitres, manutention, animation…",
        "Accompagnés par deux animateur·rices, ils prennent ensemble les décisions en assemblée générale "
        "selon le principe coopératif « une personne, une voix », démarchent leurs clients, organisent le "
        "travail et décident, à la fin de l'été, de la répartition des excédents.",
    ),
    _h("Un projet porté par tout un territoire"),
    _p(
        "Chaque CJS est portée par une structure (le plus souvent une coopérative d'activité et d'emploi) "
        "et soutenue par un comité local : parrain jeunesse, parrain économique, commune, bailleurs, "
        "financeurs. En 2018, plus de 600 partenaires locaux se sont engagés aux côtés des CJS.",
    ),
    _figures("Les CJS en 2018", "cjs", 2018),
    _quote(
        "Les jeunes s'initient à l'organisation collective du travail, développant leur esprit d'initiative "
        "et prenant conscience de leurs capacités d'agir.",
        "Rapport d'activités 2018",
    ),
]

FLASHCOOP_BODY = [
    _h("Des coopératives éphémères pour adultes"),
    _p(
        "Flashcoop est un nouveau concept de coopératives éphémères, d'une durée de quelques jours, visant à "
        "produire un « déclic » chez des personnes éloignées de l'emploi et de l'entrepreneuriat, qui ne s'y "
        "tourneraient pas naturellement.",
        "Le projet, lancé en 2018 avec le soutien de la Fondation de France et du Fonds social européen, "
        "s'appuie sur dix coopératives éphémères construites sur le même modèle d'ingénierie, avec un "
        "accompagnement spécifique (formation, mentorat, communauté) et une évaluation coordonnée.",
    ),
    _h("Comment ça marche ?"),
    _p(
        "Pendant quelques jours, un groupe d'adultes monte une vraie activité coopérative : choisir un "
        "service, trouver des clients, se répartir le travail, décider ensemble. Des mentors issus des "
        "coopératives d'activité et d'emploi les accompagnent, et un suivi à trois et six mois mesure ce "
        "que l'expérience a changé.",
    ),
    _figures("Flashcoop en 2019", "flashcoop", 2019),
]

DIRECTORY_SERVICES = (
    "<p>Les coopérant·es proposent des services simples et utiles, à la demande :</p>"
    "<ul><li>entretien d'espaces verts et jardinage ;</li><li>peinture et petits travaux ;</li>"
    "<li>aide au déménagement et manutention ;</li><li>lavage de vitres et de véhicules ;</li>"
    "<li>aide aux événements et animations.</li></ul>"
)

NEWS = [
    {
        "slug": "rencontres-nationales-des-cjs-2018",
        "title": "Rencontres nationales des CJS",
        "date": datetime.date(2018, 1, 5),
        "tags": ["CJS", "Réseau"],
        "intro": "Les 4 et 5 janvier 2018, animateur·rices, structures porteuses et partenaires des CJS se sont "
        "retrouvés pour leurs rencontres nationales.",
        "body": [
            _p(
                "Deux jours pour partager les pratiques de l'été 2017, accueillir les nouveaux territoires et "
                "préparer la saison 2018 : outils d'animation, relations avec les parrains économiques, "
                "place des jeunes dans la gouvernance de leur coopérative.",
                "Ces rencontres ouvrent une année de développement : en 2018, 54 CJS ont vu le jour dans 10 "
                "régions, dont 16 sur de nouveaux territoires.",
            )
        ],
    },
    {
        "slug": "prix-innovation-sociale-assemblee-nationale",
        "title": "Les CJS reçoivent le prix de l'innovation sociale à l'Assemblée nationale",
        "date": datetime.date(2018, 12, 14),
        "tags": ["CJS", "Prix"],
        "intro": "Le 14 décembre 2018, le prix de l'innovation sociale a été décerné aux Coopératives Jeunesse "
        "de Services à l'Assemblée nationale.",
        "body": [
            _p(
                "Cette reconnaissance institutionnelle salue le travail des jeunes coopérant·es, de leurs "
                "animateur·rices et de l'ensemble des partenaires locaux qui font vivre les CJS chaque été.",
                "Les CJS ont également reçu en 2018 le prix spécial du Jury du Prix européen de la promotion "
                "de l'esprit d'entreprise.",
            )
        ],
    },
    {
        "slug": "naissance-de-la-fabrique-cooperative",
        "title": "Naissance de la Fabrique Coopérative",
        "date": datetime.date(2018, 12, 17),
        "tags": ["Réseau"],
        "intro": "Une nouvelle structure pilote désormais le projet des Coopératives Jeunesse de Services.",
        "body": [
            _p(
                "Depuis fin 2014, Coopérer pour Entreprendre assurait le pilotage et le développement du "
                "projet de CJS, avec une équipe nationale dédiée et des relais régionaux au sein de "
                "structures de l'économie sociale et solidaire.",
                "La transition amorcée en 2018 aboutit : la Fabrique Coopérative a vu le jour le 17 décembre "
                "2018 pour piloter le projet.",
            )
        ],
    },
    {
        "slug": "les-cjs-en-2018",
        "title": "Les CJS en 2018 : 54 coopératives dans 10 régions",
        "date": datetime.date(2018, 12, 31),
        "tags": ["CJS", "Chiffres"],
        "intro": "54 CJS dans 10 régions, dont 40 en quartier politique de la ville, 16 nouveaux territoires et "
        "plus de 600 partenaires locaux : le bilan d'une saison record.",
        "body": [
            _p(
                "83 % des CJS sont portées par des coopératives d'activité et d'emploi. Le chiffre d'affaires "
                "total des CJS atteint 260 000 €, soit environ 5 000 € par coopérative."
            ),
            _figures("La saison 2018 en chiffres", "cjs", 2018),
        ],
    },
    {
        "slug": "lancement-de-flashcoop",
        "title": "Flashcoop : des coopératives éphémères pour les adultes",
        "date": datetime.date(2019, 1, 15),
        "tags": ["Flashcoop"],
        "intro": "Avec le soutien de la Fondation de France et du Fonds social européen, l'expérimentation "
        "Flashcoop démarre en 2019.",
        "body": [
            _p(
                "Dix coopératives éphémères de quelques jours, sur le même modèle d'ingénierie, vont permettre "
                "à des adultes éloignés de l'emploi de vivre une expérience d'entrepreneuriat collectif.",
                "L'expérimentation se poursuivra jusqu'en 2020, avec une évaluation coordonnée de ses effets.",
            )
        ],
    },
]

LEGAL_BODY = [
    _h("Éditeur du site"),
    _p(
        "Ce site est édité par la Fabrique Coopérative, association loi 1901, pour le réseau des "
        "Coopératives Jeunesse de Services et des Flashcoop.",
        f"Contact : {CONTACT_EMAIL}.",
    ),
    _h("Hébergement"),
    _p("Le site est hébergé en France, chez un hébergeur soumis au droit européen."),
    _h("Propriété intellectuelle"),
    _p(
        "Les textes et images de ce site ne peuvent être réutilisés sans l'accord de la Fabrique Coopérative."
    ),
]

PRIVACY_BODY = [
    _h("Ce que nous collectons"),
    _p(
        "Le site public ne dépose aucun cookie de mesure d'audience ni de publicité. Les formulaires "
        "(contact, candidature, commande de service) ne collectent que les informations nécessaires pour "
        "vous répondre.",
    ),
    _h("Vos droits"),
    _p(
        "Vous pouvez accéder à vos données, les faire rectifier ou effacer, et vous opposer à leur "
        f"traitement en écrivant à {CONTACT_EMAIL}. Aucune page publique ne mentionne le nom d'un·e jeune "
        "coopérant·e ou d'un·e participant·e.",
    ),
    # Purposes, data, legal bases and retention, generated from the registry of personal data.
    {"type": "privacy_registry", "value": None},
]

CONTACT_FIELDS = [
    {"label": "Votre nom", "field_type": "singleline", "required": True},
    {"label": "Votre adresse e-mail", "field_type": "email", "required": True},
    {
        "label": "Votre demande concerne",
        "field_type": "dropdown",
        "required": True,
        "choices": "Rejoindre une CJS\nCommander un service\nDevenir partenaire\nAutre",
    },
    {"label": "Votre message", "field_type": "multiline", "required": True},
]


@transaction.atomic
def seed_site() -> None:
    """Build the demo site tree in French (home, programmes, directory, news, legal pages, contact)."""
    home = HomePage.objects.first()
    if home is None:
        return
    grant_page_permissions()
    seed_home_page(home)
    cjs_page = _child(
        home,
        ProgrammePage,
        "cooperatives-jeunesse-de-services",
        title="Les Coopératives Jeunesse de Services",
        programme=Programme.objects.filter(slug="cjs").first(),
        intro="Des jeunes de 15 à 18 ans créent leur entreprise coopérative le temps d'un été, "
        "accompagnés par tout un territoire.",
        body=CJS_BODY,
    )
    flashcoop_page = _child(
        home,
        ProgrammePage,
        # Not "flashcoop": /flashcoop/ is the staff space of the Flashcoop app.
        "les-flashcoop",
        title="Flashcoop",
        programme=Programme.objects.filter(slug="flashcoop").first(),
        intro="Des coopératives éphémères de quelques jours pour des adultes éloignés de l'emploi et de "
        "l'entrepreneuriat.",
        body=FLASHCOOP_BODY,
    )
    directory = _child(
        home,
        CjsDirectoryPage,
        "trouver-une-cjs",
        title="Trouver une CJS près de chez vous",
        intro="Cherchez la Coopérative Jeunesse de Services de votre quartier ou de votre commune pour la "
        "rejoindre cet été ou lui commander un service.",
        services_text=DIRECTORY_SERVICES,
    )
    news_index = _child(
        home,
        NewsIndexPage,
        "actualites",
        title="Actualités",
        intro="Les nouvelles du réseau des CJS et des Flashcoop.",
    )
    for item in NEWS:
        _news(news_index, item)
    legal = _child(
        home, StandardPage, "mentions-legales", title="Mentions légales", body=LEGAL_BODY, show_in_menus=False
    )
    privacy = _child(
        home,
        StandardPage,
        "donnees-personnelles",
        title="Données personnelles",
        intro="Comment nous protégeons vos données.",
        body=PRIVACY_BODY,
    )
    partners = _child(
        home,
        PartnersPage,
        "partenaires",
        title="Nos partenaires",
        intro="Plus de 600 partenaires locaux soutiennent les CJS : collectivités, bailleurs sociaux, "
        "associations, entreprises et fondations. Merci à elles et à eux !",
    )
    reports = _child(
        home,
        ImpactReportIndexPage,
        "rapports-d-impact",
        title="Rapports d'impact",
        intro="Ce que les jeunes et les adultes des coopératives déclarent avoir changé pour eux, mesuré "
        "par questionnaires et publié sans jamais exposer personne.",
    )
    _impact_report(reports)
    contact = _contact_page(home)
    _main_menu([cjs_page, flashcoop_page, directory, news_index, reports, partners, contact])
    _site_settings(legal, privacy)
    _logos()


def seed_home_page(home: HomePage | None = None) -> None:
    """Fill the home page created by the cms migration; a later run leaves an editor's changes alone."""
    home = home or HomePage.objects.first()
    if home is None or home.body:
        return
    home.hero_title = "Coopérer pour apprendre, entreprendre ensemble"
    home.hero_text = (
        "Essaim relie les Coopératives Jeunesse de Services et les Flashcoop : formations à distance, "
        "suivi des cohortes et évaluation de l'impact, au service des jeunes et des territoires."
    )
    home.search_description = home.hero_text
    home.body = HOME_BODY
    home.save_revision().publish()


def _child(parent: Page, model: type[Page], slug: str, **fields: Any) -> Any:
    """The child page with this slug, created and published when missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    fields.setdefault("show_in_menus", True)
    intro = fields.get("intro")
    if intro and isinstance(intro, str) and "search_description" not in fields:
        fields["search_description"] = intro[:255]
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _news(index: NewsIndexPage, item: dict[str, Any]) -> None:
    if index.get_children().filter(slug=item["slug"]).exists():
        return
    page = NewsPage(
        slug=item["slug"],
        title=item["title"],
        publication_date=item["date"],
        intro=item["intro"],
        search_description=item["intro"][:255],
        body=item["body"],
    )
    page.tags.add(*item["tags"])
    index.add_child(instance=page)
    revision = page.save_revision()
    revision.publish()
    # The publication date of a news item is the one it tells, not the day the demo was seeded.
    NewsPage.objects.filter(pk=page.pk).update(
        first_published_at=datetime.datetime.combine(item["date"], datetime.time(9), tzinfo=datetime.UTC)
    )


def _contact_page(home: HomePage) -> FormPage:
    page = _child(
        home,
        FormPage,
        "contact",
        title="Nous contacter",
        intro="<p>Une question sur les CJS ou Flashcoop, envie de rejoindre une coopérative, de lui commander "
        "un service ou de devenir partenaire ? Écrivez-nous.</p>",
        thank_you_text="<p>Merci, votre message a bien été envoyé. Nous vous répondons sous quelques jours.</p>",
        to_address=CONTACT_EMAIL,
        from_address=CONTACT_EMAIL,
        subject="Nouveau message du site",
    )
    if not page.form_fields.exists():
        for order, field in enumerate(CONTACT_FIELDS):
            FormField.objects.create(page=page, sort_order=order, **field)
    return page


def _main_menu(pages: list[Page]) -> None:
    if MainMenu.objects.exists():
        return
    menu = MainMenu.objects.create(name="Menu principal")
    for order, page in enumerate(pages):
        MainMenuItem.objects.create(menu=menu, page=page, sort_order=order)


def _site_settings(legal: Page, privacy: Page) -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    settings, created = SiteSettings.objects.get_or_create(site=site)
    if not created and settings.footer_text:
        return
    settings.footer_text = (
        "Le réseau des Coopératives Jeunesse de Services et des Flashcoop, animé par la Fabrique Coopérative."
    )
    settings.contact_email = CONTACT_EMAIL
    settings.social_links = [
        {"type": "link", "value": {"label": "LinkedIn", "url": "https://www.linkedin.com/company/example"}},
        {"type": "link", "value": {"label": "Facebook", "url": "https://www.facebook.com/example"}},
    ]
    settings.legal_notice_page = legal
    settings.privacy_page = privacy
    settings.save()


LOGO_COLOURS = ["#1d5c4d", "#7a3b69", "#1f4e8c", "#8a4b08", "#5b5b12", "#2d6a2d"]


def _logos() -> None:
    """A simple lettered logo for the hosts of this year's CJS, so their pages show partners with logos."""
    edition = current_edition(CJS_SLUG)
    if edition is None:
        return
    hosts = (
        Organisation.objects.filter(hosted_cohorts__edition=edition, logo__isnull=True)
        .distinct()
        .order_by("name")
        .values_list("pk", "name")[:6]
    )
    for index, (organisation_id, name) in enumerate(hosts):
        image = Image(title=f"Logo {name}")
        image.file = ImageFile(
            _lettered_png(name, LOGO_COLOURS[index % len(LOGO_COLOURS)]), name=f"logo-{organisation_id}.png"
        )
        image.save()
        OrganisationLogo.objects.create(organisation_id=organisation_id, image=image)


def _lettered_png(name: str, colour: str) -> io.BytesIO:
    from PIL import Image as PillowImage
    from PIL import ImageDraw

    initials = "".join(word[0] for word in name.split() if word[:1].isalpha())[:3].upper() or "?"
    picture = PillowImage.new("RGB", (240, 120), colour)
    ImageDraw.Draw(picture).text((20, 45), initials, fill="#ffffff", font_size=40)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


REPORT_METHODOLOGY = (
    "<p>Les jeunes coopérant·es des CJS de l'été 2018 ont répondu au questionnaire « Mon été dans la CJS » "
    "à leur entrée dans la coopérative (T0) puis à la fin de l'été (T1). À la sortie, ils ont aussi dit "
    "comment ils se voyaient avant la CJS (questions rétrospectives).</p>"
    "<p>L'estime de soi (4 questions, dont une inversée) et la coopération (3 questions) sont des échelles : "
    "le score d'une personne est la moyenne de ses réponses, de 1 à 4 ou de 1 à 5, sans les « ne se prononce "
    "pas ». Les évolutions comparent les réponses des mêmes personnes aux deux vagues.</p>"
    "<h3>Ce que ces chiffres ne disent pas</h3>"
    "<p>Il s'agit d'une évolution <strong>déclarée</strong> : sans groupe de comparaison, elle ne mesure pas "
    "l'impact causal de la CJS. Les jeunes qui ont répondu aux deux vagues ne sont pas forcément représentatifs "
    "de tous les coopérant·es.</p>"
    "<p>Comme le rappelle le rapport d'activités 2018, « le temps d'un été, les jeunes s'initient au "
    "fonctionnement démocratique d'une entreprise, à l'organisation collective du travail, développant leur "
    "esprit d'initiative et prenant conscience de leurs capacités d'agir » : c'est ce que ces questionnaires "
    "cherchent à suivre.</p>"
)

ESTIME_ITEMS = "estime_valeur,estime_qualites,estime_echec,estime_capable"


def _report_body(campaign_id: int) -> list[dict[str, Any]]:
    key = str(campaign_id)

    def change(**fields: Any) -> dict[str, Any]:
        return {
            "campaign": key,
            "wave": "T1",
            "before": "T0",
            "after": "T1",
            "items": "",
            "scales": "",
            **fields,
        }

    return [
        _h("La saison 2018 en chiffres"),
        {
            "type": "indicators",
            "value": {
                "heading": "Les CJS en 2018",
                "programme": "cjs",
                "edition_year": 2018,
                "indicators": [
                    "cohorts",
                    "regions",
                    "new_communes",
                    "cohorts_in_qpv",
                    "local_partners",
                    "participants",
                    "turnover_eur",
                ],
            },
        },
        _p(
            "En 2018, 54 CJS ont vu le jour dans 10 régions, dont 40 dans des quartiers politique de la ville, "
            "et plus de 600 partenaires locaux se sont engagés à leurs côtés (rapport d'activités 2018)."
        ),
        _h("Ce que les jeunes disent d'eux à la fin de l'été"),
        {
            "type": "chart",
            "value": {
                "title": "Estime de soi à la fin de l'été",
                "description": "Répartition des réponses aux quatre questions d'estime de soi, à la fin de "
                "l'été 2018 : pour chaque question, la part de chaque réponse.",
                "kind": "distribution",
                **change(items=ESTIME_ITEMS),
            },
        },
        {
            "type": "result_table",
            "value": {"title": "Estime de soi (T1)", "campaign": key, "wave": "T1", "items": ESTIME_ITEMS},
        },
        {
            "type": "result_table",
            "value": {
                "title": "Ce qui compte le plus dans la CJS",
                "campaign": key,
                "wave": "T1",
                "items": "priorites",
            },
        },
        _h("Évolution déclarée entre l'entrée et la sortie"),
        {
            "type": "chart",
            "value": {
                "title": "Part des jeunes dont le score progresse",
                "description": "Pour les jeunes ayant répondu à l'entrée et à la sortie : part dont le score "
                "d'estime de soi et de coopération baisse, reste identique ou progresse.",
                "kind": "change",
                **change(items="coop_parole", scales="estime_de_soi,cooperation"),
            },
        },
        {
            "type": "paired_analysis",
            "value": {
                "title": "Entrée (T0) et sortie (T1)",
                **change(items="estime_valeur,coop_parole", scales="estime_de_soi,cooperation"),
            },
        },
        {
            "type": "paired_analysis",
            "value": {
                "title": "Avant la CJS, vu depuis la fin de l'été",
                **change(before="retrospective", items="coop_parole", scales="estime_de_soi,cooperation"),
            },
        },
    ]


def _impact_report(index: ImpactReportIndexPage) -> None:
    """The demo's published impact report on the 2018 CJS campaign (once; an editor's changes are kept)."""
    campaign = Campaign.objects.filter(name=CJS_2018_CAMPAIGN).first()
    if campaign is None or index.get_children().filter(slug="les-cjs-2018-ce-que-disent-les-jeunes").exists():
        return
    page = ImpactReportPage(
        slug="les-cjs-2018-ce-que-disent-les-jeunes",
        title="Les CJS 2018 : ce que disent les jeunes",
        intro="Estime de soi, coopération, ce qui compte pour eux : les réponses des coopérant·es de l'été "
        "2018, à l'entrée et à la sortie de leur CJS.",
        search_description="Les réponses des coopérant·es des CJS 2018 à l'entrée et à la sortie.",
        methodology=REPORT_METHODOLOGY,
        body=_report_body(campaign.pk),
        show_in_menus=True,
    )
    index.add_child(instance=page)
    # Publishing freezes the report's numbers and charts as its version 1 (cms.signals).
    page.save_revision().publish()
