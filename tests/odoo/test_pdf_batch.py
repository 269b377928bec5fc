"""Batched PDF rendering (``ir.actions.report._ar_render_pdfs``): each record's PDF
from a batched render has the pages and the text of a render of that record alone."""

import io
from datetime import timedelta

from odoo import Command
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from odoo.addons.ar_collections.models.ir_actions_report import MARKER_HOST

from .common import MONDAY, CollectionsCase

STATEMENT = "ar_collections.action_report_customer_statement"
LETTER = "ar_collections.action_report_collection_letter"

LETTER_LADDER = """\
version: 1
code: letters
name: Letters only
steps:
  - code: letter_notice
    day: 10
    stage: overdue
    actions:
      - letter: {template: ar_collections.mail_template_first_notice}
"""


def page_texts(pdf):
    reader = PdfFileReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


def words(pdf):
    return " ".join(" ".join(page_texts(pdf)).split())


def marker_links(pdf):
    reader = PdfFileReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        for annot in (page.get("/Annots") or ()) and page["/Annots"].get_object():
            uri = annot.get_object().get("/A", {}).get("/URI", "")
            if str(uri).startswith(MARKER_HOST):
                found.append(uri)
    return found


@tagged("post_install", "-at_install")
class TestPdfBatch(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.short = cls._make_customer("Short Ltd", "short@example.com")
        cls.middle = cls._make_customer("Middle SA", "middle@example.com")
        cls.long = cls._make_customer("Long GmbH", "long@example.com")
        cls._make_invoices(cls.short, 1)
        cls._make_invoices(cls.middle, 4)
        cls._make_invoices(cls.long, 70)  # a statement of several pages
        cls.customers = cls.short | cls.long | cls.middle

    @classmethod
    def _make_invoices(cls, partner, count):
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": MONDAY - timedelta(days=40 + index),
                    "invoice_date_due": MONDAY - timedelta(days=10 + index),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": f"Consulting {index}",
                                "quantity": 1,
                                "price_unit": 100.0 + index,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
                for index in range(count)
            ]
        )
        moves.action_post()
        return moves

    def single(self, report, res_id):
        streams = self.env["ir.actions.report"]._render_qweb_pdf_prepare_streams(
            report, {}, res_ids=[res_id]
        )
        return streams[res_id]["stream"].getvalue()

    def assert_same_as_single(self, report, batched, res_ids):
        self.assertEqual(list(batched), list(res_ids))
        for res_id in res_ids:
            alone = page_texts(self.single(report, res_id))
            texts = page_texts(batched[res_id])
            self.assertEqual(len(texts), len(alone), f"pages of record {res_id}")
            self.assertEqual(texts, alone, f"text of record {res_id}")
            self.assertFalse(marker_links(batched[res_id]))

    def set_batch_size(self, size):
        self.env["ir.config_parameter"].sudo().set_param(
            "ar_collections.pdf_batch_size", str(size)
        )

    def test_statements_batched_equal_single(self):
        self.set_batch_size(10)
        res_ids = self.customers.ids
        batched = self.env["ir.actions.report"]._ar_render_pdfs(STATEMENT, res_ids)
        self.assertGreater(len(page_texts(batched[self.long.id])), 1)
        self.assertEqual(len(page_texts(batched[self.short.id])), 1)
        self.assert_same_as_single(STATEMENT, batched, res_ids)

    def test_statements_in_several_chunks(self):
        self.set_batch_size(2)  # chunks [short, long] and [middle], in parallel
        res_ids = self.customers.ids
        batched = self.env["ir.actions.report"]._ar_render_pdfs(STATEMENT, res_ids)
        self.assert_same_as_single(STATEMENT, batched, res_ids)
        self.assertIn("Middle SA", words(batched[self.middle.id]))
        self.assertNotIn("Middle SA", words(batched[self.short.id]))
        self.assertIn("Short Ltd", words(batched[self.short.id]))

    def test_letters_of_a_run_equal_single(self):
        self.set_batch_size(10)
        ladder = self.Ladder.create({"yaml_source": LETTER_LADDER})
        self.customers.collection_ladder_id = ladder
        # the three letters in one batched render, not one by one after the
        # batch failed (the run's fallback, which logs it)
        with self.assertNoLogs(
            "odoo.addons.ar_collections.models.ar_collection_run_execution", "INFO"
        ):
            result = self.run_collections(MONDAY + timedelta(days=60))
        self.assertEqual(result.get("letters"), 3, result)
        notices = self.env["ar.collection.notice"].search(
            [("partner_id", "in", self.customers.ids), ("channel", "=", "letter")]
        )
        self.assertEqual(len(notices), 3)
        for notice in notices:
            alone = page_texts(self.single(LETTER, notice.id))
            texts = page_texts(notice.attachment_id.raw)
            self.assertEqual(texts, alone, notice.partner_id.name)
            self.assertFalse(marker_links(notice.attachment_id.raw))
        long_notice = notices.filtered(lambda n: n.partner_id == self.long)
        self.assertGreater(len(page_texts(long_notice.attachment_id.raw)), 1)

    def test_empty_and_duplicates(self):
        reports = self.env["ir.actions.report"]
        self.assertEqual(reports._ar_render_pdfs(STATEMENT, []), {})
        batched = reports._ar_render_pdfs(
            STATEMENT, [self.short.id, self.short.id, self.middle.id]
        )
        self.assert_same_as_single(STATEMENT, batched, [self.short.id, self.middle.id])

    def test_meanwhile_called_once_in_every_path(self):
        """The caller's work given as ``meanwhile`` (the e-mails' texts, rendered
        while wkhtmltopdf works) runs once, whatever the path, and changes nothing
        in the PDFs; its error reaches the caller."""
        reports = self.env["ir.actions.report"]
        self.set_batch_size(2)
        calls = []
        batched = reports._ar_render_pdfs(
            STATEMENT, self.customers.ids, meanwhile=lambda: calls.append("chunks")
        )
        self.assertEqual(calls, ["chunks"])
        self.assert_same_as_single(STATEMENT, batched, self.customers.ids)
        self.assertEqual(
            reports._ar_render_pdfs(
                STATEMENT, [], meanwhile=lambda: calls.append("none")
            ),
            {},
        )
        self.assertEqual(calls, ["chunks", "none"])

        def fail():
            raise ValueError("the texts failed")

        with self.assertRaisesRegex(ValueError, "the texts failed"):
            reports._ar_render_pdfs(STATEMENT, self.short.ids, meanwhile=fail)
