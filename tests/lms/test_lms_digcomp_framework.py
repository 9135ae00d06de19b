"""The DigComp 3.0 data shipped with Essaim: complete, coded, translated, credited."""

import json

from django.utils import translation

import pytest

from lms import digcomp

EXPECTED_COMPETENCES = {"1": 3, "2": 6, "3": 4, "4": 4, "5": 4}


@pytest.mark.parametrize("language", digcomp.LANGUAGES)
def test_the_framework_has_5_areas_21_competences_and_8_levels(language):
    framework = digcomp.load(language)

    assert [area.code for area in framework.areas] == ["1", "2", "3", "4", "5"]
    assert {area.code: len(area.competences) for area in framework.areas} == EXPECTED_COMPETENCES
    assert len(framework.competences) == 21
    assert len(set(framework.codes)) == 21
    for area in framework.areas:
        assert area.label and area.description
        for competence in area.competences:
            assert competence.code.startswith(f"{area.code}.")
            assert competence.area_code == area.code
            assert competence.label and competence.description
    assert [level.value for level in framework.levels] == list(range(1, 9))
    assert all(level.band and level.description for level in framework.levels)


def test_the_french_text_translates_every_label_and_keeps_the_codes():
    english, french = digcomp.load("en"), digcomp.load("fr")

    assert french.codes == english.codes
    for en, fr in zip(english.competences, french.competences, strict=True):
        assert fr.label and fr.label != en.label, en.code
        assert fr.description and fr.description != en.description, en.code
    for en, fr in zip(english.areas, french.areas, strict=True):
        assert fr.label != en.label
    assert french.competence("4.2").label == "Protéger les données personnelles et la vie privée"
    assert french.area("2").label == "Communication et collaboration"
    assert [level.band for level in french.levels][::2] == [
        "De base",
        "Intermédiaire",
        "Avancé",
        "Très avancé",
    ]


def test_the_french_version_says_it_is_an_unofficial_translation_and_the_english_is_the_source():
    french, english = digcomp.load("fr"), digcomp.load("en")

    assert not french.is_official and english.is_official
    assert "non officielle" in french.translation_note
    assert "CC BY 4.0" in french.licence and "CC BY 4.0" in english.licence
    assert "JRC144121" in english.source


def test_the_english_file_is_the_framework_data_unchanged():
    raw = json.loads(digcomp.data_file("en").read_text(encoding="utf-8"))

    assert raw["framework"].startswith("DigComp 3.0")
    assert raw["areas"][0]["competences"][0] == {
        "id": "1.1",
        "label": "Browsing, searching and filtering information",
        "description": (
            "To articulate information needs, to know how and where to search for information and content in "
            "digital environments, and to access and navigate between them. To select appropriate digital "
            "tools to create, implement and update searches in digital environments and to be able to "
            "distinguish between relevant and irrelevant information and content."
        ),
    }


def test_the_data_folder_credits_the_source_and_the_licence():
    readme = (digcomp.DATA_DIR / "README.md").read_text(encoding="utf-8")

    assert "JRC144121" in readme
    assert "Creative Commons Attribution 4.0" in readme
    assert "unofficial" in readme


def test_essaim_help_texts_cover_every_competence_area_and_level():
    framework = digcomp.load("en")

    assert set(digcomp.EXAMPLES) == set(framework.codes)
    assert set(digcomp.AREA_SHORT_LABELS) == {area.code for area in framework.areas}
    assert set(digcomp.LEVEL_STATEMENTS) == set(digcomp.SCALE) == set(range(9))
    assert [value for value, _band, _statement in framework.scale()] == list(range(9))


def test_the_active_language_picks_the_text_and_unknown_languages_fall_back_to_english():
    with translation.override("fr"):
        assert digcomp.get_framework().language == "fr"
    with translation.override("en"):
        assert digcomp.get_framework().language == "en"
    assert digcomp.get_framework("de").language == "en"
    assert digcomp.get_framework("fr-FR").language == "fr"


def test_a_translation_with_another_shape_is_refused(monkeypatch, tmp_path):
    for language in digcomp.LANGUAGES:
        raw = json.loads(digcomp.data_file(language).read_text(encoding="utf-8"))
        if language == "fr":
            raw["areas"][0]["competences"].pop()
        (tmp_path / f"digcomp-{digcomp.VERSION}.{language}.json").write_text(
            json.dumps(raw), encoding="utf-8"
        )
    monkeypatch.setattr(digcomp, "DATA_DIR", tmp_path)
    digcomp.load.cache_clear()
    try:
        with pytest.raises(Exception, match="does not have the areas"):
            digcomp.load("fr")
    finally:
        digcomp.load.cache_clear()
