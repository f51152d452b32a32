"""Kazakh and Russian are complete: every message the platform shows has both translations (G-17,
R503-9).

The catalogs are `locale/kk` and `locale/ru`, refreshed by `scripts/makemessages`. They also carry
the Django and allauth messages listed in `oqu/web/upstream_messages.py`, whose upstream Kazakh is
missing. A new message in the code, a changed one (makemessages marks it fuzzy) or a lost
placeholder fails here.
"""

from __future__ import annotations

import ast
import gettext as gettext_module
import os
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from oqu.tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("kk", "ru")
PLURAL_FORMS = {
    "kk": "nplurals=2; plural=(n!=1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file, header first; obsolete (`#~`) entries are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None

    def close() -> None:
        nonlocal entry, target
        if entry is not None and target is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            close()
            continue
        if line.startswith("#"):
            if target is not None:  # comments open the next entry
                close()
            entry = entry or Entry()
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        match = KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                close()  # a new entry without a blank line before it
            entry = entry or Entry()
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = ""
            else:
                target = (keyword, 0)
                setattr(entry, keyword, "")
        elif line.startswith('"') and entry is not None and target is not None:
            literal = line
        else:
            raise ValueError(f"line {number} of the catalog is not understood: {raw!r}")
        value = ast.literal_eval(literal)
        if target[0] == "msgstr":
            entry.msgstr[target[1]] += value
        else:
            setattr(entry, target[0], getattr(entry, target[0]) + value)
    close()
    return entries


def catalog(language: str, root: Path = ROOT) -> tuple[Entry, list[Entry]]:
    """The header and the messages of one catalog."""
    entries = parse_po(
        (root / "locale" / language / "LC_MESSAGES" / "django.po").read_text("utf-8")
    )
    assert entries, f"{language}: empty catalog"
    assert entries[0].msgid == "", f"{language}: the catalog has no header"
    return entries[0], entries[1:]


def header_fields(header: Entry) -> dict[str, str]:
    lines = header.msgstr.get(0, "").splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def untranslated(messages: list[Entry], language: str) -> list[str]:
    """Messages that are fuzzy, have an empty translation or lack a plural form."""
    forms = 2 if language == "kk" else 3
    wrong = []
    for entry in messages:
        expected = set(range(forms)) if entry.msgid_plural is not None else {0}
        if (
            "fuzzy" in entry.flags
            or set(entry.msgstr) != expected
            or not all(text.strip() for text in entry.msgstr.values())
        ):
            wrong.append(entry.msgid)
    return wrong


@pytest.mark.smoke
def test_g17_catalogs_have_no_untranslated_or_fuzzy_messages() -> None:
    keys = {}
    for language in LANGUAGES:
        header, messages = catalog(language)
        fields = header_fields(header)

        assert "fuzzy" not in header.flags, f"{language}: the header is still marked fuzzy"
        assert fields["Language"] == language
        assert fields["Plural-Forms"] == PLURAL_FORMS[language]
        assert fields["Content-Type"] == "text/plain; charset=UTF-8"
        assert len(messages) > 400
        assert untranslated(messages, language) == [], language
        keys[language] = [entry.key for entry in messages]
        assert len(set(keys[language])) == len(keys[language]), f"{language}: duplicate msgids"

    assert set(keys["kk"]) == set(keys["ru"])


def test_g17_translations_keep_every_placeholder() -> None:
    for language in LANGUAGES:
        for entry in catalog(language)[1]:
            for index, text in entry.msgstr.items():
                source = (
                    entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
                )
                assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (
                    language,
                    entry.msgid,
                    text,
                )


def test_g17_running_code_uses_the_compiled_catalogs() -> None:
    """The .mo files are compiled from these .po files and win over the libraries' catalogs."""
    for language in LANGUAGES:
        header, messages = catalog(language)
        plural = gettext_module.c2py(PLURAL_FORMS[language].split("plural=", 1)[1].rstrip(";"))
        with translation.override(language):
            for entry in messages:
                if entry.msgctxt is not None:
                    continue
                if entry.msgid_plural is None:
                    assert translation.gettext(entry.msgid) == entry.msgstr[0], entry.msgid
                    continue
                for n in (1, 2, 5, 11, 21):
                    index = plural(n)
                    got = translation.ngettext(entry.msgid, entry.msgid_plural, n)
                    assert got == entry.msgstr[index], (entry.msgid, n)


def test_g17_catalogs_cover_every_message_in_the_code(tmp_path: Path) -> None:
    """Extract the messages again, with scripts/makemessages on a copy: none may be missing.

    Catches a message added or changed in the code without a translation, and a translation left
    in the catalog after its message was removed from the code.
    """
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("xgettext is missing: scripts/test installs Debian's gettext in CI")
        pytest.skip("xgettext (Debian's gettext) is not installed here")
    copy = tmp_path / "oqu-copy"
    ignore = shutil.ignore_patterns("__pycache__", "*.mo")
    for name in ("oqu", "locale", "scripts"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    shutil.copy2(ROOT / "manage.py", copy / "manage.py")
    (copy / ".venv").symlink_to(ROOT / ".venv")
    # messages of tests and of the demo generator must stay out of the catalogs
    planted = "from django.utils.translation import gettext_lazy\n\nPLANTED = gettext_lazy(%r)\n"
    (copy / "oqu" / "people" / "tests" / "test_planted.py").write_text(
        planted % "Planted in a test"
    )
    (copy / "oqu" / "demo" / "planted.py").write_text(planted % "Planted in the demo")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "oqu.settings.dev"}
    environment.pop("DATABASE_URL", None)

    subprocess.run(  # noqa: S603 - the project's own script
        [str(copy / "scripts" / "makemessages")],
        cwd=copy,
        env=environment,
        check=True,
        capture_output=True,
        timeout=120,
    )

    for language in LANGUAGES:
        _header, extracted = catalog(language, copy)
        _header, shipped = catalog(language)
        assert untranslated(extracted, language) == [], f"{language}: run scripts/makemessages"
        assert {e.key for e in extracted} == {e.key for e in shipped}, language
        assert not {"Planted in a test", "Planted in the demo"} & {e.msgid for e in extracted}


@pytest.mark.smoke
def test_g17_api_error_in_kazakh_and_russian(db: None) -> None:
    url = f"/api/v1/people/{uuid.uuid4()}"
    client = Client()
    client.force_login(f.make_user("reader", language="kk"))
    expected = {}
    for language in LANGUAGES:
        with translation.override(language):
            expected[language] = (
                translation.gettext("Not found."),
                translation.gettext("Sign in or present a valid access token."),
            )

    default = client.get(url)
    client.cookies["oqu_language"] = "ru"
    chosen = client.get(url)
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="ru").get(url)

    assert (default.status_code, chosen.status_code, anonymous.status_code) == (404, 404, 401)
    assert default.json()["message"] == expected["kk"][0]
    assert chosen.json()["message"] == expected["ru"][0]
    assert anonymous.json()["message"] == expected["ru"][1]
    assert expected["kk"][0] not in ("Not found.", expected["ru"][0])
    assert expected["ru"][1] != "Sign in or present a valid access token."


# The login page's visible strings: its heading first.
LOGIN_STRINGS = (
    "Sign in to Oqu",
    "Username",
    "Stay signed in on this device",
    "Forgot your password?",
    "Accounts are created by the administrator of your organization.",
)


def test_g17_login_page_in_both_languages(db: None) -> None:
    # a browser that asks for English gets Kazakh, the default; the cookie chooses Russian
    default = Client(HTTP_ACCEPT_LANGUAGE="en-US,en").get("/accounts/login/")
    russian = Client(HTTP_ACCEPT_LANGUAGE="en-US,en")
    russian.cookies["oqu_language"] = "ru"
    pages = {"kk": default.content.decode(), "ru": russian.get("/accounts/login/").content.decode()}

    for language, page in pages.items():
        assert f'<html lang="{language}">' in page
        heading = re.search(r"<h1>(.*?)</h1>", page)
        with translation.override(language):
            translated = [translation.gettext(text) for text in LOGIN_STRINGS]
        assert heading is not None
        assert heading.group(1) == translated[0], language
        for english, text in zip(LOGIN_STRINGS, translated, strict=True):
            assert text != english
            assert text in page, (language, english)
            assert english not in page, (language, english)
    assert pages["kk"] != pages["ru"]
