"""The message catalogues (ropa/locale) and the document language: read at run time, chosen per build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from ropa import i18n, pipeline
from ropa.cli.options import language_option
from ropa.cli.progress import Progress
from ropa.load.loader import load_register
from ropa.produce.build import KINDS, document_language, plan
from ropa.produce.cache import document_key


def german_example(example_dir: Path, tmp_path: Path) -> Path:
    """A copy of the example whose organisation.yaml sets ``record.language: de``."""
    copy = tmp_path / "register"
    shutil.copytree(example_dir, copy)
    organisation = copy / "organisation.yaml"
    text = organisation.read_text(encoding="utf-8")
    assert "\nrecord:\n" in text
    organisation.write_text(text.replace("\nrecord:\n", "\nrecord:\n  language: de\n"), encoding="utf-8")
    return copy


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_each_catalogue_is_a_po_file_of_its_language(lang: str) -> None:
    paths = i18n.catalogue_paths(lang)
    assert Path(i18n.__file__).parent / "locale" / lang / "LC_MESSAGES" / "ropa.po" in paths
    for path in paths:
        with path.open("rb") as handle:
            catalogue = read_po(handle)
        assert str(catalogue.locale) == lang, path
        assert all(message.string for message in catalogue if message.id), f"{path}: every msgid is translated"
    assert i18n.messages(lang), "the catalogues merge without a message defined twice"


def test_a_message_defined_in_two_catalogues_is_refused_with_both_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    head = 'msgid ""\nmsgstr ""\n"Language: de\\n"\n\n'
    (folder / "a.po").write_text(head + 'msgid "Yes"\nmsgstr "Ja"\n', encoding="utf-8")
    (folder / "b.po").write_text(head + '\nmsgid "Yes"\nmsgstr "Jawohl"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.messages.cache_clear()
    try:
        with pytest.raises(i18n.CatalogueError, match=r"b\.po:6: msgid 'Yes' is already in .*a\.po:5"):
            i18n.messages("de")
    finally:
        i18n.messages.cache_clear()


@pytest.mark.parametrize(("lang", "expected"), [("en", "2026-12-02"), ("de", "02.12.2026"), ("fr", "02/12/2026")])
def test_dates_are_written_as_each_language_writes_them(lang: str, expected: str) -> None:
    import datetime as dt

    with i18n.active(lang):
        assert i18n.format_date(dt.date(2026, 12, 2)) == expected


def test_a_catalogue_is_read_at_run_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "ropa.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n\nmsgid "Yes"\nmsgstr "Ja"\n\n#, fuzzy\nmsgid "No"\nmsgstr "Nein"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.messages.cache_clear()
    try:
        _ = i18n.translator("de")
        assert (_("Yes"), _("No"), _("Maybe")) == ("Ja", "No", "Maybe"), "fuzzy and unknown stay English"
        with i18n.active("de"):
            assert i18n.gettext("Yes") == "Ja"
        assert i18n.gettext("Yes") == "Yes", "English outside the block"
    finally:
        i18n.messages.cache_clear()


def test_english_reads_no_catalogue_and_an_unknown_language_is_refused() -> None:
    assert i18n.translator("en")("Not recorded") == "Not recorded"
    with pytest.raises(ValueError, match="unknown document language 'xx'"):
        i18n.translator("xx")


def test_the_cli_offers_exactly_the_languages_of_ropa_i18n() -> None:
    choices = language_option(lambda: None).__click_params__[0].type.choices  # type: ignore[attr-defined]
    assert tuple(choices) == i18n.LANGUAGES


def test_the_language_comes_from_lang_then_organisation_yaml(example_dir: Path, tmp_path: Path) -> None:
    register = load_register(example_dir)
    assert register.organisation.record.language is None
    assert {job.language for job in plan(register, set(KINDS))} == {"en"}
    assert {job.language for job in plan(register, set(KINDS), language="fr")} == {"fr"}
    german = german_example(example_dir, tmp_path)
    assert {job.language for job in plan(load_register(german), set(KINDS))} == {"de"}
    assert document_language(load_register(german), "fr") == "fr"


def test_the_language_is_part_of_a_documents_cache_key() -> None:
    assert document_key("xlsx", "env", "", "r", "register.xlsx", "en", b"x") != document_key(
        "xlsx", "env", "", "r", "register.xlsx", "de", b"x"
    )


def test_switching_language_renders_again_instead_of_reusing_the_cache(example_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = []
    for lang in ("en", "en", "de", "de", "en"):
        built = pipeline.build(
            example_dir, "example", out, {"xlsx"}, None, 1, Progress("build", True), True, False, lang
        )
        runs.append(built.reused)
    assert runs == [0, 1, 0, 1, 0]


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("en", ["0 info", "1 info", "2 info", "1 warning", "2 warnings"]),
        ("de", ["0 Hinweise", "1 Hinweis", "2 Hinweise", "1 Warnung", "2 Warnungen"]),
        ("fr", ["0 information", "1 information", "2 informations", "1 avertissement", "2 avertissements"]),
    ],
)
def test_counts_take_the_plural_forms_of_the_language(lang: str, counts: list[str]) -> None:
    from ropa.render.text import severity_count

    with i18n.active(lang):
        got = [severity_count(n, "info") for n in (0, 1, 2)] + [severity_count(n, "warning") for n in (1, 2)]
    assert got == counts, "French counts zero as singular, German as plural"
