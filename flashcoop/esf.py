"""Versioned mapping of our codes to the ESF indicator sets, for the participant export.

Each indicator set is one dict: `columns` names the file's columns (our key → the set's header, in
file order) and `values` maps our codes to the set's values for the columns that are coded. A column
absent from `values` is written as it is (names, dates, counts). "refused" stays "refused" in both
sets: a participant who declined to answer is not counted as a "no". See docs/esf-export.md.

Indicator codes follow the annexes of Regulation (EU) No 1304/2013 (ESF 2014-2020: CO01…, CR01…)
and Regulation (EU) 2021/1057 (ESF+ 2021-2027: EECO01…, EECR01…).
"""

from typing import TypedDict


class IndicatorSet(TypedDict):
    label: str
    columns: dict[str, str]
    values: dict[str, dict[str, str]]


REFUSED_VALUE = "refused"
_YES_NO = {"yes": "1", "no": "0", "refused": REFUSED_VALUE}

ESF_2014_2020: IndicatorSet = {
    "label": "FSE 2014-2020",
    "columns": {
        "participant_id": "id_participant",
        "last_name": "nom",
        "first_name": "prenom",
        "gender": "sexe",
        "birth_date": "date_naissance",
        "age_at_entry": "age_entree",
        "cohort": "operation",
        "department": "departement",
        "entry_date": "date_entree",
        "employment_status": "situation_marche_travail_entree",
        "education_level": "niveau_education_entree",
        "minimum_income": "beneficiaire_minima_sociaux",
        "qpv_resident": "residant_qpv",
        "rural": "CO19_zone_rurale",
        "disability": "CO16_handicap",
        "referrer": "prescripteur",
        "exit_date": "date_sortie",
        "exit_completed": "sortie_fin_operation",
        "early_reason": "motif_abandon",
        "exit_situation": "situation_sortie",
        "m6_status": "suivi_6_mois_statut",
        "m6_situation": "situation_6_mois",
        "m6_employment": "CR06_emploi_6_mois",
    },
    "values": {
        "gender": {"f": "F", "m": "H", "x": "", "undisclosed": ""},
        "employment_status": {
            "unemployed": "CO01",
            "long_term_unemployed": "CO02",
            "inactive": "CO03",
            "employed": "CO05",
            "refused": REFUSED_VALUE,
        },
        # CO09 counts ISCED 1-2; people with no diploma (ISCED 0) are grouped with it here.
        "education_level": {
            "isced_0_2": "CO09",
            "isced_3_4": "CO10",
            "isced_5_8": "CO11",
            "refused": REFUSED_VALUE,
        },
        "minimum_income": _YES_NO,
        "qpv_resident": _YES_NO,
        "rural": _YES_NO,
        "disability": {**_YES_NO, "": ""},
        "referrer": {
            "employment_agency": "pole_emploi",
            "local_youth_mission": "mission_locale",
            "social_services": "services_sociaux",
            "association": "association",
            "other": "autre",
            "refused": REFUSED_VALUE,
        },
        "exit_completed": {"yes": "1", "no": "0", "": ""},
        "exit_situation": {
            "job_searching": "CR01",
            "education_training": "CR02",
            "employment": "CR04",
            "business_creation": "CR04",
            "joined_cae": "CR04",
            "other": "autre",
            "refused": REFUSED_VALUE,
            "": "",
        },
        "m6_situation": {
            "job_searching": "recherche_emploi",
            "education_training": "etudes_formation",
            "employment": "emploi",
            "business_creation": "creation_entreprise",
            "joined_cae": "cae",
            "other": "autre",
            "refused": REFUSED_VALUE,
            "": "",
        },
        "m6_employment": {"yes": "1", "no": "0", "refused": REFUSED_VALUE, "": ""},
    },
}

ESF_PLUS_2021_2027: IndicatorSet = {
    "label": "FSE+ 2021-2027",
    "columns": {
        "participant_id": "participant_id",
        "last_name": "nom",
        "first_name": "prenom",
        "gender": "genre",
        "birth_date": "date_naissance",
        "age_at_entry": "age_entree",
        "cohort": "operation",
        "department": "departement",
        "entry_date": "date_entree",
        "employment_status": "statut_emploi_entree",
        "education_level": "niveau_cite_entree",
        "minimum_income": "minima_sociaux",
        "qpv_resident": "quartier_prioritaire",
        "rural": "EECO19_zone_rurale",
        "disability": "EECO12_handicap",
        "referrer": "orienteur",
        "exit_date": "date_sortie",
        "exit_completed": "parcours_complet",
        "early_reason": "motif_sortie_anticipee",
        "exit_situation": "resultat_immediat",
        "m6_status": "suivi_6_mois",
        "m6_situation": "situation_6_mois",
        "m6_employment": "EECR05_emploi_6_mois",
    },
    "values": {
        "gender": {"f": "F", "m": "M", "x": "X", "undisclosed": ""},
        "employment_status": {
            "unemployed": "EECO01",
            "long_term_unemployed": "EECO02",
            "inactive": "EECO03",
            "employed": "EECO04",
            "refused": REFUSED_VALUE,
        },
        "education_level": {
            "isced_0_2": "EECO08",
            "isced_3_4": "EECO09",
            "isced_5_8": "EECO10",
            "refused": REFUSED_VALUE,
        },
        "minimum_income": _YES_NO,
        "qpv_resident": _YES_NO,
        "rural": _YES_NO,
        "disability": {**_YES_NO, "": ""},
        "referrer": {
            "employment_agency": "france_travail",
            "local_youth_mission": "mission_locale",
            "social_services": "services_sociaux",
            "association": "association",
            "other": "autre",
            "refused": REFUSED_VALUE,
        },
        "exit_completed": {"yes": "oui", "no": "non", "": ""},
        "exit_situation": {
            "job_searching": "EECR01",
            "education_training": "EECR02",
            "employment": "EECR04",
            "business_creation": "EECR04",
            "joined_cae": "EECR04",
            "other": "autre",
            "refused": REFUSED_VALUE,
            "": "",
        },
        "m6_situation": {
            "job_searching": "recherche_emploi",
            "education_training": "education_formation",
            "employment": "emploi",
            "business_creation": "creation_activite",
            "joined_cae": "cae",
            "other": "autre",
            "refused": REFUSED_VALUE,
            "": "",
        },
        "m6_employment": {"yes": "oui", "no": "non", "refused": REFUSED_VALUE, "": ""},
    },
}

INDICATOR_SETS: dict[str, IndicatorSet] = {
    "esf-2014-2020": ESF_2014_2020,
    "esf-plus-2021-2027": ESF_PLUS_2021_2027,
}


def default_version(year: int | None) -> str:
    """The indicator set of an edition's programming period (2014-2020 up to 2020, ESF+ after)."""
    return "esf-2014-2020" if year is not None and year <= 2020 else "esf-plus-2021-2027"
