import tempfile
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from ctims.testing import PlanTestCase

LOCALE = Path(settings.BASE_DIR) / "locale"


def po_entries(po_file: Path) -> list[dict[str, str]]:
    """Each entry of a .po file as {keyword: text}, e.g. {"msgid": "Sign in", "msgstr": "Daxil olun"}."""
    entries = []
    for block in po_file.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        keyword = None
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fields["fuzzy"] = "yes"  # msgfmt leaves fuzzy translations out, so they count as missing
            if line.startswith("#"):
                continue
            if line.startswith('"') and keyword:
                fields[keyword] += line[1:-1]
            else:
                keyword, _, rest = line.partition(" ")
                fields[keyword] = rest[1:-1]
        if fields:
            entries.append(fields)
    return entries


def untranslated(po_file: Path) -> list[str]:
    missing = []
    for entry in po_entries(po_file):
        if entry.get("msgid") == "":
            continue  # the header
        translations = [text for keyword, text in entry.items() if keyword.startswith("msgstr")]
        if not translations or not all(translations) or "fuzzy" in entry:
            missing.append(entry["msgid"])
    return missing


class LanguageTests(PlanTestCase):
    def switch_to(self, code: str):
        return self.client.post(reverse("set_language"), {"language": code, "next": reverse("accounts-login")})

    def test_the_login_page_speaks_azerbaijani_after_switching(self):
        self.switch_to("az")
        response = self.client.get(reverse("accounts-login"))
        self.assertContains(response, '<html lang="az">')
        self.assertContains(response, "Daxil olun")

    def test_the_plan_keeps_its_original_language_in_russian(self):
        self.login(self.bob)
        self.switch_to("ru")
        response = self.client.get(reverse("plans-detail", args=[self.plan.pk]))
        self.assertContains(response, "Планы действий")
        self.assertContains(response, "Coordination of activities of the participants of the National Action Plan")

    def test_an_empty_translation_is_noticed(self):
        po = Path(self.enterContext(tempfile.TemporaryDirectory())) / "django.po"
        po.write_text('msgid ""\nmsgstr ""\n"Language: az\\n"\n\nmsgid "Sign in"\nmsgstr ""\n', encoding="utf-8")
        self.assertEqual(untranslated(po), ["Sign in"])

    def test_a_fuzzy_translation_is_noticed(self):
        po = Path(self.enterContext(tempfile.TemporaryDirectory())) / "django.po"
        po.write_text('msgid ""\nmsgstr ""\n\n#, fuzzy\nmsgid "Sign in"\nmsgstr "Giriş"\n', encoding="utf-8")
        self.assertEqual(untranslated(po), ["Sign in"])

    def test_every_ui_string_is_translated_into_azerbaijani_and_russian(self):
        for code in ("az", "ru"):
            with self.subTest(language=code):
                self.assertEqual(untranslated(LOCALE / code / "LC_MESSAGES" / "django.po"), [])
