"""Demo content of the public site, drawn from the network's 2018 activity report."""

from cms.models import HomePage

HOME_BODY = [
    {"type": "heading", "value": {"text": "Les Coopératives Jeunesse de Services", "level": "h2"}},
    {
        "type": "paragraph",
        "value": (
            "<p>Les Coopératives Jeunesse de Services sont des projets d'éducation à l'entrepreneuriat "
            "coopératif, pour les jeunes de 15 à 18 ans. Le temps d'un été, les jeunes s'initient au "
            "fonctionnement démocratique d'une entreprise, à l'organisation collective du travail, "
            "développant leur esprit d'initiative et prenant conscience de leurs capacités d'agir.</p>"
        ),
    },
    {"type": "heading", "value": {"text": "Flashcoop, des coopératives éphémères", "level": "h2"}},
    {
        "type": "paragraph",
        "value": (
            "<p>Flashcoop réunit, le temps de quelques jours, des adultes éloignés de l'emploi autour d'un "
            "vrai projet coopératif, avec un accompagnement spécifique (formation, mentorat, communauté), "
            "pour produire un « déclic » chez des personnes qui ne se tourneraient pas naturellement vers "
            "l'entrepreneuriat.</p>"
        ),
    },
    {
        "type": "quote",
        "value": {
            "text": "Le temps d'un été, les jeunes s'initient au fonctionnement démocratique d'une entreprise.",
            "attribution": "Rapport d'activités 2018",
        },
    },
]


def seed_home_page() -> None:
    """Fill the home page created by the cms migration; a later run leaves an editor's changes alone."""
    home = HomePage.objects.first()
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
