"""Demo evaluation for `seed_demo`: the CJS questionnaire given to the 2018 CJS at entry and exit (with
the retrospective "before" block) with plausible answers, the same questionnaire opening for this
year's CJS (the demo learner has it waiting), and a Flashcoop six-month follow-up with answers.
Idempotent: what exists is kept. Written with bulk_create to stay fast."""

import datetime
import hashlib
import random
import secrets
from decimal import Decimal
from typing import Any

from django.utils import timezone

from programmes.choices import EnrolmentStatus, ItemKind, ResponseSource, Wave
from programmes.evaluation import selectors, services
from programmes.models import (
    Answer,
    Campaign,
    CampaignWave,
    Cohort,
    Edition,
    Enrolment,
    Invitation,
    Questionnaire,
    Response,
)

AGREE_4 = [
    {"code": "pas_du_tout", "label": "Pas du tout d'accord"},
    {"code": "plutot_pas", "label": "Plutôt pas d'accord"},
    {"code": "plutot", "label": "Plutôt d'accord"},
    {"code": "tout_a_fait", "label": "Tout à fait d'accord"},
]
OFTEN_5 = [
    {"code": "jamais", "label": "Jamais"},
    {"code": "rarement", "label": "Rarement"},
    {"code": "parfois", "label": "Parfois"},
    {"code": "souvent", "label": "Souvent"},
    {"code": "toujours", "label": "Toujours"},
]


def _likert(code: str, text: str, scale: str, options: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "text": text,
        "type": "likert",
        "options": options,
        "allow_no_opinion": True,
        "scale": scale,
        "retrospective": True,
        **extra,
    }


CJS_QUESTIONNAIRE: dict[str, Any] = {
    "slug": "cjs-parcours",
    "title": "Mon été dans la CJS",
    "description": "Quelques questions sur toi et sur la coopérative. Il n'y a pas de bonne réponse.",
    "items": [
        _likert(
            "estime_valeur",
            "Je pense que j'ai de la valeur, autant que les autres.",
            "estime_de_soi",
            AGREE_4,
        ),
        _likert("estime_qualites", "Je pense avoir de bonnes qualités.", "estime_de_soi", AGREE_4),
        _likert(
            "estime_echec",
            "Il m'arrive de penser que je suis un·e raté·e.",
            "estime_de_soi",
            AGREE_4,
            reversed=True,
        ),
        _likert(
            "estime_capable",
            "Je suis capable de faire les choses aussi bien que les autres.",
            "estime_de_soi",
            AGREE_4,
        ),
        _likert(
            "coop_ecoute",
            "Dans un groupe, j'écoute l'avis des autres avant de décider.",
            "cooperation",
            OFTEN_5,
        ),
        _likert("coop_parole", "J'ose donner mon avis devant un groupe.", "cooperation", OFTEN_5),
        _likert("coop_decision", "Je participe aux décisions collectives.", "cooperation", OFTEN_5),
        {
            "code": "premier_emploi",
            "text": "Est-ce ton premier travail payé ?",
            "type": "yesno",
            "allow_no_opinion": False,
        },
        {
            "code": "connu_par",
            "text": "Comment as-tu connu la CJS ?",
            "type": "single",
            "options": [
                {"code": "ami", "label": "Par un·e ami·e"},
                {"code": "structure", "label": "Par une structure jeunesse"},
                {"code": "ecole", "label": "Par mon établissement scolaire"},
                {"code": "autre", "label": "Autrement"},
            ],
            "allow_no_opinion": True,
        },
        {
            "code": "competences",
            "text": "Quelles compétences as-tu utilisées ?",
            "type": "multiple",
            "options": [
                {"code": "relation_client", "label": "Relation avec les clients"},
                {"code": "gestion", "label": "Gestion et comptabilité"},
                {"code": "communication", "label": "Communication"},
                {"code": "travail_manuel", "label": "Travaux manuels"},
            ],
        },
        {
            "code": "heures_semaine",
            "text": "Combien d'heures par semaine peux-tu donner à la CJS ?",
            "type": "number",
        },
        {
            "code": "priorites",
            "text": "Classe ce qui compte le plus pour toi dans la CJS.",
            "type": "ranking",
            "options": [
                {"code": "argent", "label": "Gagner de l'argent"},
                {"code": "apprendre", "label": "Apprendre"},
                {"code": "amis", "label": "Me faire des ami·es"},
                {"code": "quartier", "label": "Être utile à mon quartier"},
            ],
            "allow_no_opinion": True,
        },
        {"code": "mot_libre", "text": "Un mot sur ton expérience ?", "type": "text"},
    ],
}

FLASHCOOP_QUESTIONNAIRE: dict[str, Any] = {
    "slug": "flashcoop-suivi-6-mois",
    "title": "Six mois après la Flashcoop",
    "items": [
        {
            "code": "situation",
            "text": "Quelle est votre situation aujourd'hui ?",
            "type": "single",
            "options": [
                {"code": "emploi", "label": "En emploi"},
                {"code": "formation", "label": "En formation"},
                {"code": "creation", "label": "Création d'activité ou CAE"},
                {"code": "recherche", "label": "En recherche d'emploi"},
            ],
            "required": True,
        },
        {
            "code": "contact_cae",
            "text": "Êtes-vous resté·e en contact avec la coopérative ?",
            "type": "yesno",
        },
        {
            "code": "confiance",
            "text": "Je me sens capable de mener un projet professionnel.",
            "type": "likert",
            "options": AGREE_4,
            "allow_no_opinion": True,
            "scale": "confiance",
        },
        {
            "code": "heures_travail",
            "text": "Combien d'heures avez-vous travaillé le mois dernier ?",
            "type": "number",
        },
        {"code": "commentaire", "text": "Que vous a apporté la Flashcoop ?", "type": "text"},
    ],
}
CJS_2018_CAMPAIGN = "CJS 2018 · entrée et sortie"
FLASHCOOP_CAMPAIGN = "Flashcoop 2019 · suivi à 6 mois"
WORDS = [
    "Super expérience",
    "On a bien travaillé en équipe",
    "J'ai appris à parler aux clients",
    "Trop court !",
    "",
]
FLASHCOOP_WORDS = ["Reprendre confiance", "Un réseau", "Une idée de projet", ""]


def seed_evaluation() -> None:
    """Questionnaires, campaigns and answers of the demo (see the module docstring)."""
    cjs_questionnaire = services.import_questionnaire(data=CJS_QUESTIONNAIRE, publish=True).questionnaire
    flashcoop_questionnaire = services.import_questionnaire(
        data=FLASHCOOP_QUESTIONNAIRE, publish=True
    ).questionnaire
    cjs_2018 = Edition.objects.filter(programme__slug="cjs", year=2018).first()
    if cjs_2018 is not None:
        campaign = _campaign(
            CJS_2018_CAMPAIGN,
            cjs_questionnaire,
            cjs_2018,
            [services.WaveSetting(Wave.T0), services.WaveSetting(Wave.T1, has_retrospective=True)],
        )
        if campaign is not None:
            _answer_cjs(campaign)
    flashcoop_2019 = Edition.objects.filter(programme__slug="flashcoop", year=2019).first()
    if flashcoop_2019 is not None:
        campaign = _campaign(
            FLASHCOOP_CAMPAIGN, flashcoop_questionnaire, flashcoop_2019, [services.WaveSetting(Wave.M6)]
        )
        if campaign is not None:
            _answer_flashcoop(campaign)
    today = timezone.localdate()
    live = Edition.objects.filter(programme__slug="cjs", year=today.year).first()
    if live is not None:
        name = f"CJS {today.year} · entrée et sortie"
        if _campaign(
            name,
            cjs_questionnaire,
            live,
            [services.WaveSetting(Wave.T0), services.WaveSetting(Wave.T1, has_retrospective=True)],
        ):
            # The live waves open as days go by: the invitations of those already open exist now.
            services.schedule_invitations(today=today)


def _campaign(
    name: str, questionnaire: Questionnaire, edition: Edition, waves: list[services.WaveSetting]
) -> Campaign | None:
    """The campaign, created over every cohort of the edition; None when it already existed."""
    if Campaign.objects.filter(name=name).exists():
        return None
    cohorts = list(Cohort.objects.filter(edition=edition).order_by("name"))
    if not cohorts:
        return None
    return services.create_campaign(name=name, questionnaire=questionnaire, cohorts=cohorts, waves=waves)


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(rng.randint(9, 20), rng.randint(0, 59)))
    )


class _Writer:
    """Collects invitations, responses and answers, then writes them in a few bulk inserts."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self.questionnaire = selectors.questionnaire_with_items(campaign.questionnaire_id)
        self.items = {item.code: item for item in self.questionnaire.items.all()}
        self.waves = {wave.wave: wave for wave in CampaignWave.objects.filter(campaign=campaign)}
        self.invitations: list[Invitation] = []
        self.responses: list[Response] = []
        self.answers: list[list[Answer]] = []

    def add(
        self,
        enrolment: Enrolment,
        wave: str,
        rng: random.Random,
        answers: dict[tuple[str, bool], services.AnswerInput] | None,
    ) -> None:
        settings = self.waves[wave]
        due = settings.due_date_for(enrolment.cohort)
        assert due is not None  # type narrowing  # nosec B101
        sent_at = _at(due, rng)
        submitted_at = (
            _at(due + datetime.timedelta(days=rng.randint(0, 12)), rng) if answers is not None else None
        )
        self.invitations.append(
            Invitation(
                campaign=self.campaign,
                wave=wave,
                enrolment=enrolment,
                due_date=due,
                expires_at=services._closing_time(due, settings.answer_days),
                # A random token nobody knows: the demo's links are closed anyway.
                token_hash=hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest(),
                sent_at=sent_at if enrolment.person.email else None,
                reminded_at=sent_at + datetime.timedelta(days=settings.remind_after_days)
                if enrolment.person.email
                and (submitted_at is None or submitted_at - sent_at > datetime.timedelta(days=7))
                else None,
                submitted_at=submitted_at,
            )
        )
        if answers is None:
            return
        self.responses.append(
            Response(
                questionnaire=self.questionnaire,
                wave=wave,
                campaign=self.campaign,
                cohort=enrolment.cohort,
                person=enrolment.person,
                source=ResponseSource.LINK if rng.random() < 0.8 else ResponseSource.IMPORT,
                submitted_at=submitted_at,
            )
        )
        row = []
        for (code, is_then), raw in answers.items():
            value = services.clean_answer(self.items[code], raw)
            if value is None:
                continue
            row.append(
                Answer(
                    item=self.items[code],
                    is_retrospective=is_then,
                    option_codes=list(value.option_codes),
                    score=value.score,
                    number=value.number,
                    text=value.text,
                    is_no_opinion=value.is_no_opinion,
                )
            )
        self.answers.append(row)

    def save(self) -> None:
        Invitation.objects.bulk_create(self.invitations, batch_size=500)
        responses = Response.objects.bulk_create(self.responses, batch_size=500)
        for response, row in zip(responses, self.answers, strict=True):
            for answer in row:
                answer.response = response
        Answer.objects.bulk_create([answer for row in self.answers for answer in row], batch_size=1000)


def _likert_answer(
    rng: random.Random, points: int, level: float, *, reversed_: bool, nsp: float = 0.04
) -> str:
    """An option code of a Likert item, around `level` (0..1) on the scale, now and then "no opinion"."""
    if rng.random() < nsp:
        return "nsp"
    target = level if not reversed_ else 1 - level
    position = min(points, max(1, round(1 + target * (points - 1) + rng.gauss(0, 0.7))))
    codes = [option["code"] for option in (AGREE_4 if points == 4 else OFTEN_5)]
    return codes[position - 1]


def _cjs_answers(
    rng: random.Random, level: float, *, then_level: float | None
) -> dict[tuple[str, bool], services.AnswerInput]:
    answers: dict[tuple[str, bool], services.AnswerInput] = {}
    for item in CJS_QUESTIONNAIRE["items"]:
        if item["type"] != ItemKind.LIKERT:
            continue
        points, reversed_ = len(item["options"]), bool(item.get("reversed"))
        answers[(item["code"], False)] = _likert_answer(rng, points, level, reversed_=reversed_)
        if then_level is not None:
            answers[(item["code"], True)] = _likert_answer(rng, points, then_level, reversed_=reversed_)
    answers[("premier_emploi", False)] = "yes" if rng.random() < 0.7 else "no"
    answers[("connu_par", False)] = rng.choice(["ami", "structure", "ecole", "autre", "ami", "structure"])
    answers[("competences", False)] = rng.sample(
        ["relation_client", "gestion", "communication", "travail_manuel"], rng.randint(1, 3)
    )
    if rng.random() < 0.85:
        answers[("heures_semaine", False)] = Decimal(rng.choice([10, 15, 20, 20, 25, 30]))
    ranking = ["argent", "apprendre", "amis", "quartier"]
    rng.shuffle(ranking)
    answers[("priorites", False)] = ranking if rng.random() > 0.05 else ["nsp"]
    answers[("mot_libre", False)] = rng.choice(WORDS)
    return answers


def _answer_cjs(campaign: Campaign) -> None:
    """T0 and T1 answers of the 2018 CJS: some cohorts answer a lot, some not, so that some groups reach
    the publication threshold and others do not; self-esteem and cooperation rise between T0 and T1."""
    writer = _Writer(campaign)
    enrolments = (
        Enrolment.objects.filter(cohort__in=campaign.cohorts.all())
        .select_related("person", "cohort")
        .order_by("cohort__name", "pk")
    )
    for enrolment in enrolments:
        rng = random.Random(f"evaluation-cjs:{enrolment.person_id}:{enrolment.cohort_id}")  # demo  # nosec B311
        cohort_rng = random.Random(f"evaluation-cjs-cohort:{enrolment.cohort_id}")  # demo  # nosec B311
        answer_rate = cohort_rng.choice([0.6, 0.8, 0.95, 1.0, 1.0])
        entry_level = rng.uniform(0.3, 0.6)
        if enrolment.status in services.INVITED_STATUSES[Wave.T0] or enrolment.status in (
            EnrolmentStatus.WITHDRAWN,
            EnrolmentStatus.EXCLUDED,
        ):
            answered = rng.random() < answer_rate
            writer.add(
                enrolment, Wave.T0, rng, _cjs_answers(rng, entry_level, then_level=None) if answered else None
            )
        if enrolment.status == EnrolmentStatus.COMPLETED:
            answered = rng.random() < answer_rate * 0.95
            exit_level = min(1.0, entry_level + rng.uniform(0.0, 0.3))
            then_level = max(0.0, entry_level - rng.uniform(0.0, 0.15))
            writer.add(
                enrolment,
                Wave.T1,
                rng,
                _cjs_answers(rng, exit_level, then_level=then_level) if answered else None,
            )
    writer.save()


def _answer_flashcoop(campaign: Campaign) -> None:
    writer = _Writer(campaign)
    enrolments = (
        Enrolment.objects.filter(
            cohort__in=campaign.cohorts.all(), status__in=services.INVITED_STATUSES[Wave.M6]
        )
        .select_related("person", "cohort")
        .order_by("cohort__name", "pk")
    )
    for enrolment in enrolments:
        rng = random.Random(f"evaluation-flashcoop:{enrolment.person_id}")  # fictional demo  # nosec B311
        if rng.random() > 0.7:
            writer.add(enrolment, Wave.M6, rng, None)
            continue
        situation = rng.choice(["emploi", "emploi", "formation", "creation", "recherche"])
        answers: dict[tuple[str, bool], services.AnswerInput] = {
            ("situation", False): situation,
            ("contact_cae", False): "yes" if rng.random() < 0.6 else "no",
            ("confiance", False): _likert_answer(rng, 4, rng.uniform(0.4, 0.9), reversed_=False),
            ("commentaire", False): rng.choice(FLASHCOOP_WORDS),
        }
        if situation in ("emploi", "creation"):
            answers[("heures_travail", False)] = Decimal(rng.choice([35, 60, 80, 120, 151]))
        writer.add(enrolment, Wave.M6, rng, answers)
    writer.save()
