import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_translations.py"
spec = importlib.util.spec_from_file_location("check_translations", SCRIPT)
assert spec is not None
assert spec.loader is not None
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)

HEADER = 'msgid ""\nmsgstr ""\n"Language: en\\n"\n'


def catalog(*entries: str) -> str:
    return "\n\n".join([HEADER, *entries]) + "\n"


def test_a_translated_entry_passes():
    assert check.untranslated(catalog('msgid "保存"\nmsgstr "Save"')) == []


def test_an_empty_translation_is_reported():
    assert check.untranslated(catalog('msgid "保存"\nmsgstr ""')) == ["保存"]


def test_a_fuzzy_translation_is_reported():
    assert check.untranslated(catalog('#, fuzzy\nmsgid "保存"\nmsgstr "Keep"')) == ["保存"]


def test_a_plural_with_one_empty_form_is_reported():
    entry = 'msgid "%(n)s 人"\nmsgid_plural "%(n)s 人"\nmsgstr[0] "%(n)s person"\nmsgstr[1] ""'
    assert check.untranslated(catalog(entry)) == ["%(n)s 人"]


def test_a_translation_continued_on_the_next_line_passes():
    entry = 'msgid ""\n"很长的"\n"句子"\nmsgstr ""\n"A long "\n"sentence"'
    assert check.untranslated(catalog(entry)) == []


def test_obsolete_entries_are_ignored():
    assert check.untranslated(catalog('#~ msgid "旧"\n#~ msgstr ""')) == []
