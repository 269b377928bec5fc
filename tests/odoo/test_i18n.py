"""The shipped translations (sv_SE, nb_NO, el_GR, fr_FR) against the .pot.

The .pot is Odoo's own export (``make i18n``). These tests read it and the .po files:
every .po parses and is complete for the customer-facing terms (mail templates and
QWeb reports); a notice rendered for a customer in each language keeps no English
term of its template; the letter and the statement render in Greek.
"""

import os
import re
import tempfile
from datetime import timedelta

import lxml.html
import polib

from odoo import fields
from odoo.modules.module import get_module_path
from odoo.tests import tagged
from odoo.tools.translate import PoFileReader, TranslationImporter, xml_translate

from .common import MONDAY, CollectionsCase

LANGS = ("sv_SE", "nb_NO", "el_GR", "fr_FR")
ADDONS = ("ar_collections", "ar_collections_sale", "ar_collections_payment")
# placeholders a translation must keep exactly
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\{.*?\}\}|\$\{.*?\}")
TAG = re.compile(r"<[^>]+>")
# a t-out/t-esc/t-field element: its text is a sample replaced at rendering
SAMPLE = re.compile(r"<(\w+)\b[^>]*\bt-(?:out|esc|field)=[^>]*>([^<]*)</\1>", re.DOTALL)
OCCURRENCE = re.compile(r"(model|model_terms):([\w.]+),(\w+):(\w+)\.(\w+)")


def _i18n_path(addon, name):
    return os.path.join(get_module_path(addon), "i18n", name)


def _terms(html):
    """The translatable terms of an XML/HTML value, as Odoo splits it."""
    found = []
    xml_translate(lambda term: found.append(term) or term, html)
    return found


def _words(text):
    """The text of a term without its tags and placeholders, whitespace collapsed."""
    text = PLACEHOLDER.sub(" ", TAG.sub(" ", text))
    return " ".join(text.split())


def _plain(html):
    return " ".join(lxml.html.fromstring(f"<div>{html}</div>").text_content().split())


def _english_left(text, english_terms, translations):
    """The English terms still in ``text``: those with words whose translation
    differs from them (``translations``: English term -> translated term)."""
    left = []
    for term in english_terms:
        words = _words(term)
        if not re.search(r"[A-Za-z]{2}", words):
            continue
        if _words(translations.get(term) or "") == words:
            continue  # the same word in both languages (e.g. "Total")
        if re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text):
            left.append(words)
    return left


class I18nCase(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pot = polib.pofile(_i18n_path("ar_collections", "ar_collections.pot"))

    def _po(self, lang):
        return polib.pofile(_i18n_path("ar_collections", f"{lang}.po"))

    def _load(self, lang, po_path=None):
        """Activate ``lang`` and load the module's terms (from ``po_path``, a
        modified copy, when given), overwriting what the database has."""
        self.env["res.lang"]._activate_lang(lang)
        if po_path is None:
            self.env["ir.module.module"]._load_module_terms(
                ["ar_collections"], [lang], overwrite=True
            )
        else:
            importer = TranslationImporter(self.env.cr, verbose=False)
            with open(po_path, "rb") as po_file:
                importer.load(po_file, "po", lang)
            importer.save(overwrite=True)
        self.env.invalidate_all()

    def _pot_terms(self, model, field, xmlid):
        """msgids of the .pot that come from ``field`` of record ``xmlid``."""
        terms = []
        for entry in self.pot:
            for occurrence, _line in entry.occurrences:
                match = OCCURRENCE.match(occurrence)
                if match and match.groups()[1:] == (model, field, *xmlid.split(".")):
                    terms.append(entry.msgid)
        return terms

    def _view_terms(self, xmlid, seen=None):
        """Terms of the QWeb view ``xmlid`` and of the views of ours it calls."""
        seen = set() if seen is None else seen
        if xmlid in seen or not xmlid.startswith("ar_collections."):
            return []
        seen.add(xmlid)
        terms = self._pot_terms("ir.ui.view", "arch_db", xmlid)
        arch = self.env.ref(xmlid).with_context(lang="en_US").arch_db
        for called in re.findall(r't-call="([\w.]+)"', arch):
            terms += self._view_terms(called, seen)
        return terms

    def _template_terms(self, template):
        """English terms of a mail template: subject, body (split as Odoo does)
        and the views it calls, without the sample texts of t-out elements."""
        xmlid = template.get_external_id()[template.id]
        terms = self._pot_terms("mail.template", "subject", xmlid)
        samples = set()
        for body in self._pot_terms("mail.template", "body_html", xmlid):
            terms += _terms(body)
            samples |= {text.strip() for _tag, text in SAMPLE.findall(body)}
            for called in re.findall(r't-call="([\w.]+)"', body):
                terms += self._view_terms(called)
        return [term for term in terms if term.strip() not in samples]

    def _translations(self, po):
        """English term -> translated term, body terms split pairwise."""
        result = {}
        for entry in po:
            if not entry.msgstr:
                continue
            result[entry.msgid] = entry.msgstr
            if any("body_html" in o for o, _line in entry.occurrences):
                result.update(
                    zip(_terms(entry.msgid), _terms(entry.msgstr), strict=True)
                )
        return result

    def _notice(self, partner, step_code, template=None, days_late=20):
        invoice = self._make_invoice(partner, MONDAY - timedelta(days=days_late))
        return self.env["ar.collection.notice"].create(
            {
                "partner_id": partner.id,
                "recipient_id": partner.id,
                "company_id": self.company.id,
                "step_code": step_code,
                "channel": "email" if template else "letter",
                "template_id": template.id if template else False,
                "date": MONDAY,
                "move_ids": [(6, 0, invoice.ids)],
            }
        )

    def _notice_templates(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "ar_collections"), ("model", "=", "mail.template")]
        )
        templates = self.env["mail.template"].browse(data.mapped("res_id"))
        return templates.filtered(lambda t: t.model == "ar.collection.notice")

    def _render(self, template, notice):
        values = template._generate_template(notice.ids, ("subject", "body_html"))
        values = values[notice.id]
        return f"{values['subject']} {_plain(values['body_html'])}"


@tagged("post_install", "-at_install")
class TestPoFiles(I18nCase):
    def test_every_po_file_parses(self):
        for addon in ADDONS:
            for lang in LANGS:
                path = _i18n_path(addon, f"{lang}.po")
                with self.subTest(path=path):
                    entries = list(PoFileReader(path))
                    self.assertTrue(entries, f"{path} has no entry")

    def test_translations_keep_the_placeholders(self):
        for addon in ADDONS:
            for lang in LANGS:
                for entry in polib.pofile(_i18n_path(addon, f"{lang}.po")):
                    if not entry.msgstr:
                        continue
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(entry.msgstr)),
                        sorted(PLACEHOLDER.findall(entry.msgid)),
                        f"{addon} {lang}: the placeholders of {entry.msgid!r} "
                        f"differ in its translation {entry.msgstr!r}",
                    )

    def test_customer_facing_terms_are_all_translated(self):
        """Every term of a mail template or a QWeb template (letter, statement,
        case file, payment plan, notice table, portal) has a translation, in
        each addon."""
        qweb_views = set(
            self.env["ir.model.data"]
            .search([("module", "in", ADDONS), ("model", "=", "ir.ui.view")])
            .filtered(lambda d: self.env["ir.ui.view"].browse(d.res_id).type == "qweb")
            .mapped("complete_name")
        )
        counted = 0
        for addon in ADDONS:
            pot = polib.pofile(_i18n_path(addon, f"{addon}.pot"))
            customer_facing = set()
            for entry in pot:
                for occurrence, _line in entry.occurrences:
                    match = OCCURRENCE.match(occurrence)
                    if not match:
                        continue
                    _kind, model, _field, module, name = match.groups()
                    if model == "mail.template" or (
                        model == "ir.ui.view" and f"{module}.{name}" in qweb_views
                    ):
                        customer_facing.add(entry.msgid)
            counted += len(customer_facing)
            for lang in LANGS:
                po = polib.pofile(_i18n_path(addon, f"{lang}.po"))
                translated = {e.msgid for e in po if e.msgstr}
                missing = sorted(customer_facing - translated)
                self.assertFalse(
                    missing,
                    f"{addon} {lang}.po: {len(missing)} terms untranslated: {missing}",
                )
        self.assertGreater(counted, 50)


@tagged("post_install", "-at_install")
class TestNoticesInEachLanguage(I18nCase):
    def test_each_ladder_template_has_no_english_left(self):
        templates = self._notice_templates()
        self.assertGreaterEqual(len(templates), 4, templates.mapped("name"))
        for lang in LANGS:
            self._load(lang)
            translations = self._translations(self._po(lang))
            partner = self._make_customer(
                f"Kund {lang}", f"{lang.lower()}@example.com", lang=lang
            )
            for template in templates:
                with self.subTest(lang=lang, template=template.name):
                    notice = self._notice(partner, "i18n", template)
                    text = self._render(template, notice)
                    english = self._template_terms(template)
                    self.assertTrue(english)
                    self.assertFalse(
                        _english_left(text, english, translations),
                        f"English left in the {lang} {template.name}: {text}",
                    )
                    self.assertIn(notice.move_ids.name, text)

    def test_promise_confirmation_and_payment_plan_in_each_language(self):
        today = fields.Date.context_today(self.env.user)
        for lang in LANGS:
            self._load(lang)
            translations = self._translations(self._po(lang))
            partner = self._make_customer(
                f"Kund {lang}", f"{lang.lower()}@example.com", lang=lang
            )
            invoice = self._make_invoice(partner, today - timedelta(days=20))
            promise = self.env["ar.collection.promise"].create(
                {
                    "partner_id": partner.id,
                    "move_ids": [(6, 0, invoice.ids)],
                    "amount": 50.0,
                    "date": today + timedelta(days=10),
                    "date_start": today,
                }
            )
            plan = self.env["ar.payment.plan"].create(
                {
                    "partner_id": partner.id,
                    "move_ids": [(6, 0, invoice.ids)],
                    "amount_total": invoice.amount_residual,
                }
            )
            for xmlid, record in (
                ("ar_collections.mail_template_promise_confirmation", promise),
                ("ar_collections.mail_template_payment_plan", plan),
            ):
                template = self.env.ref(xmlid)
                with self.subTest(lang=lang, template=template.name):
                    text = self._render(template, record)
                    self.assertFalse(
                        _english_left(
                            text, self._template_terms(template), translations
                        ),
                        f"English left in the {lang} {template.name}: {text}",
                    )

    def test_the_check_finds_a_term_missing_from_the_po_file(self):
        """One term of the first notice's body left in English in sv_SE.po: the
        Swedish notice shows it and the check reports it."""
        template = self.env.ref("ar_collections.mail_template_first_notice")
        body = self._pot_terms(
            "mail.template", "body_html", template.get_external_id()[template.id]
        )[0]
        po = self._po("sv_SE")
        entry = po.find(body)
        self.assertTrue(entry and entry.msgstr)
        english = next(
            term
            for term in self._template_terms(template)
            if term in _terms(body) and len(_words(term)) > 20
        )
        swedish = dict(zip(_terms(body), _terms(entry.msgstr), strict=True))[english]
        entry.msgstr = xml_translate(
            lambda term: english if term == swedish else term, entry.msgstr
        )
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "sv_SE.po")
            po.save(path)
            self._load("sv_SE", po_path=path)
            partner = self._make_customer("Kund AB", "kund@example.com", lang="sv_SE")
            text = self._render(template, self._notice(partner, "i18n", template))
            left = _english_left(
                text,
                self._template_terms(template),
                self._translations(self._po("sv_SE")),
            )
        self.assertEqual(left, [_words(english)], text)

    def test_the_greek_letter_and_statement(self):
        self._load("el_GR")
        translations = self._translations(self._po("el_GR"))
        partner = self._make_customer(
            "Πελάτης Α.Ε.", "pelatis@example.com", lang="el_GR"
        )
        notice = self._notice(partner, "i18n")
        reports = (
            ("ar_collections.action_report_collection_letter", notice),
            ("ar_collections.action_report_customer_statement", partner),
        )
        for report_ref, record in reports:
            with self.subTest(report=report_ref):
                report = self.env.ref(report_ref)
                html, _kind = self.env["ir.actions.report"]._render_qweb_html(
                    report_ref, record.ids
                )
                text = _plain(html.decode())
                view_terms = self._view_terms(report.report_name)
                self.assertTrue(view_terms, report.report_name)
                greek = [
                    _words(translations[term])
                    for term in view_terms
                    if translations.get(term) and _words(translations[term]) in text
                ]
                self.assertGreaterEqual(len(greek), 4, text)
                self.assertIn(_words(translations["Due date"]), text)
                if report.model == "res.partner":  # the ageing headers
                    self.assertIn(_words(translations["31-60 days"]), text)
                    self.assertNotIn("31-60 days", text)
                self.assertFalse(
                    _english_left(text, view_terms, translations),
                    f"English left in the Greek {report.name}: {text}",
                )
                self.assertIn(notice.move_ids.name, text)
