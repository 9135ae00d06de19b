"""`import_csv responses`: answers collected on paper or elsewhere (DESIGN §5 rules: all or nothing,
every bad cell as `line N: column: why`, re-importing updates).

Columns: `questionnaire,wave,respondent,<item code>...` and, optionally, `cohort`.
- questionnaire: a published questionnaire's code (its latest published version) or `code@version`;
- wave: T0, T1, M3 or M6;
- respondent: a participant's reference (`P` and their number, e.g. `P42`) or, for anonymous surveys and
  organisations, any identifier (the same identifier again updates that respondent's answers);
- cohort: the cohort's name, needed when a participant is in several cohorts of the questionnaire's
  campaigns, and for anonymous answers imported by a coordinator (who must name a cohort they run);
- one column per item code: Likert and choices by option code, multiple choices separated by `|`, a
  ranking as option codes best first separated by `>`, a number, a text, `nsp` for "no opinion", an
  empty cell for no answer. At T1, `<item code>:then` holds the retrospective "before" answer.
"""

import re
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from programmes import access
from programmes.choices import ItemKind, QuestionnaireStatus, SurveySubject, Wave
from programmes.evaluation import selectors, services
from programmes.imports.importers import Importer
from programmes.imports.parsing import CellError, Row, Table, choice_of, column_key
from programmes.imports.results import CREATED, UNCHANGED, UPDATED, ImportResult
from programmes.models import Campaign, Cohort, Enrolment, Person, Questionnaire
from programmes.text import normalise

FIXED_COLUMNS = ("questionnaire", "wave", "respondent", "cohort")
THEN_SUFFIX = ":then"
QUESTIONNAIRE_NAME = re.compile(r"^\s*(?P<slug>[-\w]+)\s*(?:@\s*v?(?P<version>\d+))?\s*$")


@dataclass
class ResponsePlan:
    questionnaire: Questionnaire
    wave: str
    respondent: services.ImportedRespondent
    layout: selectors.FormLayout
    values: dict[services.AnswerKey, services.AnswerValue]
    label: str


class ResponseImporter(Importer[ResponsePlan]):
    """Submitted responses to published questionnaires, one row per respondent and wave."""

    kind = "responses"
    columns: tuple[str, ...] = FIXED_COLUMNS
    required_columns = ("questionnaire", "wave", "respondent")
    key_column = "respondent"

    def __init__(self, *, by: Any = None) -> None:
        super().__init__(by=by)
        self.questionnaires: dict[str, Questionnaire | None] = {}
        self.campaigns: dict[int, list[Campaign]] = {}
        self.restricted = not self.scope.unrestricted
        self.staffed = (
            set(access.staffed_cohorts(by).values_list("pk", flat=True)) if self.restricted else set()
        )

    # Loading what the file names

    def _questionnaire_named(self, value: str) -> Questionnaire | None:
        key = value.strip().lower()
        if key not in self.questionnaires:
            match = QUESTIONNAIRE_NAME.match(value)
            found = None
            if match:
                published = Questionnaire.objects.filter(
                    slug__iexact=match["slug"], status=QuestionnaireStatus.PUBLISHED
                )
                if match["version"]:
                    published = published.filter(version=int(match["version"]))
                candidate = published.order_by("-version").first()
                if candidate is not None:
                    found = selectors.questionnaire_with_items(candidate.pk)
                    self.campaigns[found.pk] = list(
                        Campaign.objects.filter(questionnaire=found)
                        .prefetch_related("cohorts__edition")
                        .order_by("created_at", "pk")
                    )
            self.questionnaires[key] = found
        return self.questionnaires[key]

    def run(self, table: Table, *, dry_run: bool) -> ImportResult:
        """The item columns are those of the questionnaires the file names."""
        columns = list(FIXED_COLUMNS)
        some_unknown = False
        for _line, cells in table.rows:
            name = cells.get("questionnaire", "").strip()
            if not name:
                continue
            questionnaire = self._questionnaire_named(name)
            if questionnaire is None:
                some_unknown = True
                continue
            for item in questionnaire.items.all():
                for column in (column_key(item.code), column_key(item.code) + THEN_SUFFIX):
                    if column not in columns:
                        columns.append(column)
        if some_unknown:
            # Rows naming an unknown questionnaire are reported; its columns are not "unknown" too.
            columns.extend(column for column in table.columns if column and column not in columns)
        self.columns = tuple(columns)
        return super().run(table, dry_run=dry_run)

    # Reading one row

    def parse(self, row: Row) -> ResponsePlan | None:
        questionnaire = row.get("questionnaire", self._read_questionnaire, required=True)
        wave = row.get("wave", choice_of(Wave), required=True)
        respondent_text = row.get("respondent", required=True)
        if questionnaire is None or wave is None or respondent_text is None:
            return None
        respondent = self._read_respondent(row, questionnaire, respondent_text)
        layout = selectors.form_layout(questionnaire, wave, has_retrospective=wave == Wave.T1)
        values = self._read_answers(row, questionnaire, layout)
        if respondent is None or row.errors:
            return None
        return ResponsePlan(
            questionnaire=questionnaire,
            wave=wave,
            respondent=respondent,
            layout=layout,
            values=values,
            label=f"{questionnaire.slug} v{questionnaire.version} · {wave} · {respondent_text}",
        )

    def _read_questionnaire(self, value: str) -> Questionnaire:
        questionnaire = self._questionnaire_named(value)
        if questionnaire is None:
            raise CellError(
                _("No published questionnaire “%(value)s” (give its code, or code@version).")
                % {"value": value}
            )
        return questionnaire

    def _read_respondent(
        self, row: Row, questionnaire: Questionnaire, value: str
    ) -> services.ImportedRespondent | None:
        if len(value) > 100:
            row.error("respondent", _("Too long: at most %(count)s characters.") % {"count": 100})
            return None
        campaigns = self.campaigns.get(questionnaire.pk, [])
        campaign_cohorts = {cohort.pk: cohort for campaign in campaigns for cohort in campaign.cohorts.all()}
        person_id = (
            selectors.person_id_from_reference(value)
            if questionnaire.subject == SurveySubject.PEOPLE
            else None
        )
        cohort_name = row.raw("cohort")
        if person_id is None:
            cohort = self._cohort_named(row, cohort_name, campaign_cohorts) if cohort_name else None
            if cohort_name and cohort is None:
                return None
            if cohort is None and self.restricted:
                row.error(
                    "cohort", _("Name one of your cohorts: anonymous answers are filed under a cohort.")
                )
                return None
            return services.ImportedRespondent(
                respondent_ref=value, cohort=cohort, campaign=self._campaign_of(campaigns, cohort)
            )
        person = self._person(person_id)
        if person is None:
            row.error(
                "respondent",
                _("No participant with the reference %(value)s in your scope.") % {"value": value},
            )
            return None
        enrolments = list(Enrolment.objects.filter(person=person).select_related("cohort__edition"))
        cohorts = {enrolment.cohort.pk: enrolment.cohort for enrolment in enrolments}
        if cohort_name:
            cohort = self._cohort_named(row, cohort_name, cohorts)
            if cohort is None:
                return None
        else:
            candidates = [cohort for pk, cohort in cohorts.items() if pk in campaign_cohorts] or list(
                cohorts.values()
            )
            if len(candidates) != 1:
                row.error(
                    "cohort",
                    _("This participant is in several cohorts: name the cohort.")
                    if candidates
                    else _("This participant is in no cohort."),
                )
                return None
            cohort = candidates[0]
        if self.restricted and cohort.pk not in self.staffed:
            row.error("cohort", _("outside your scope"))
            return None
        return services.ImportedRespondent(
            person=person, cohort=cohort, campaign=self._campaign_of(campaigns, cohort)
        )

    def _person(self, person_id: int) -> Person | None:
        people = access.visible_people(self.by) if self.restricted else Person.objects.all()
        return people.filter(pk=person_id).first()

    def _cohort_named(self, row: Row, name: str, preferred: dict[int, Cohort]) -> Cohort | None:
        """A cohort by name, among the given ones first, then among those the importer may write to."""
        key = normalise(name)
        matches = [cohort for cohort in preferred.values() if normalise(cohort.name) == key]
        if not matches:
            pool = Cohort.objects.filter(pk__in=self.staffed) if self.restricted else Cohort.objects.all()
            matches = [cohort for cohort in pool.select_related("edition") if normalise(cohort.name) == key]
        if len(matches) == 1:
            if self.restricted and matches[0].pk not in self.staffed:
                row.error("cohort", _("outside your scope"))
                return None
            return matches[0]
        row.error(
            "cohort",
            _("Several cohorts are named “%(value)s”.") % {"value": name}
            if matches
            else _("No cohort “%(value)s”.") % {"value": name},
        )
        return None

    @staticmethod
    def _campaign_of(campaigns: list[Campaign], cohort: Cohort | None) -> Campaign | None:
        if cohort is None:
            return None
        return next((campaign for campaign in campaigns if cohort in campaign.cohorts.all()), None)

    def _read_answers(
        self, row: Row, questionnaire: Questionnaire, layout: selectors.FormLayout
    ) -> dict[services.AnswerKey, services.AnswerValue]:
        values: dict[services.AnswerKey, services.AnswerValue] = {}
        asked = {
            column_key(entry.item.code) + (THEN_SUFFIX if entry.is_retrospective else ""): entry
            for entry in layout.asked
        }
        for column, cell in row.cells.items():
            if column in FIXED_COLUMNS or column == "__extra__" or not cell.strip():
                continue
            entry = asked.get(column)
            if entry is None:
                if column.endswith(THEN_SUFFIX):
                    row.error(column, _("“Before” answers are for retrospective questions at T1 only."))
                else:
                    row.error(column, _("Not a question of %(slug)s.") % {"slug": questionnaire.slug})
                continue
            try:
                value = services.clean_answer(entry.item, self._cell_value(entry.item.kind, cell))
            except ValidationError as error:
                for message in error.messages:
                    row.error(column, message)
                continue
            if value is not None:
                values[entry.key] = value
        return values

    @staticmethod
    def _cell_value(kind: str, cell: str) -> services.AnswerInput:
        if kind == ItemKind.MULTIPLE:
            return [part.strip() for part in cell.split("|")]
        if kind == ItemKind.RANKING:
            return [part.strip() for part in cell.split(">")]
        return cell

    def key(self, plan: ResponsePlan) -> Hashable:
        person = plan.respondent.person
        return (
            plan.questionnaire.pk,
            plan.wave,
            person.pk if person else None,
            plan.respondent.respondent_ref,
        )

    def apply(self, plan: ResponsePlan) -> tuple[str, str]:
        _response, created, changed = services.save_imported_response(
            questionnaire=plan.questionnaire,
            wave=plan.wave,
            respondent=plan.respondent,
            layout=plan.layout,
            values=plan.values,
        )
        return (CREATED if created else UPDATED if changed else UNCHANGED), plan.label
