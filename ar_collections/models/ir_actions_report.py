"""Batched PDF rendering: many records per wkhtmltopdf call, split per record.

Odoo renders several records of a report by giving wkhtmltopdf one input page per
record and splitting the result by its outlines; a wkhtmltopdf built on an unpatched
Qt (Debian's) refuses several input pages and has no outlines. Here the HTML of a
chunk of records is rendered in one go, each record's page(s) are put in ONE document
(a page break between records, an invisible link marking where each record starts),
the document goes to wkhtmltopdf once, and the PDF is split at the marked pages (the
markers are removed). Chunks run in parallel wkhtmltopdf processes where cores allow.
"""

import io
import logging
import os
import secrets
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from functools import cache

import lxml.html
from lxml import etree

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools.pdf import ArrayObject, NameObject, PdfFileReader, PdfFileWriter

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)

PDF_BATCH_SIZE = 125
MARKER_HOST = "https://ar-pdf-marker.invalid"
# the records' blocks of a report page, as Odoo's _prepare_html finds them
ARTICLE_XPATH = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]"
)
MARKER_STYLE = (
    "position: absolute; top: 0; left: 0; width: 1px; height: 1px; display: block;"
)
NEXT_RECORD_STYLE = (
    "position: relative; page-break-before: always; "
    "border-top: 0.01px solid transparent;"
)
RECORD_TOP_SCRIPT = """(function () {
    var style = window.getComputedStyle(document.body);
    var tops = document.getElementsByClassName("o_ar_pdf_record_top");
    for (var i = 0; i < tops.length; i++) {
        tops[i].style.marginTop = style.marginTop;
        tops[i].style.paddingTop = style.paddingTop;
    }
})();"""


@cache
def _wkhtmltopdf_patched_qt():
    """True when wkhtmltopdf is built on the patched Qt (several input pages,
    outlines, headers): Odoo's own multi-record rendering then works as it is."""
    try:
        out = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            check=False,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b"patched qt" in out.lower()


def _run_process(command, output_path):
    """Run one wkhtmltopdf command (in a worker thread: no ORM here); the PDF bytes,
    or the error message."""
    process = subprocess.run(
        command, capture_output=True, check=False, encoding="utf-8", errors="replace"
    )
    if process.returncode not in (0, 1):
        return None, _(
            "Wkhtmltopdf failed (error code: %(error_code)s). Message: %(message)s",
            error_code=process.returncode,
            message=process.stderr[-1000:],
        )
    with open(output_path, "rb") as pdf:
        return pdf.read(), None


PAPERFORMAT_MEMO = "ar_collections.paperformat_by_xmlid"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _ar_pdf_param(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return max(int(value), 1) if value else default
        except ValueError:
            return default

    @api.model
    def _ar_pdf_batch_size(self):
        """Records per wkhtmltopdf call (``ar_collections.pdf_batch_size``)."""
        return self._ar_pdf_param("ar_collections.pdf_batch_size", PDF_BATCH_SIZE)

    @api.model
    def _ar_pdf_workers(self):
        """wkhtmltopdf processes at once (``ar_collections.pdf_workers``, default:
        the number of cores, at most 4)."""
        return self._ar_pdf_param(
            "ar_collections.pdf_workers", min(os.cpu_count() or 1, 4)
        )

    @api.model
    def _ar_render_pdfs(self, report_ref, res_ids, data=None, meanwhile=None):
        """Render ``report_ref`` for ``res_ids``: {res_id: PDF bytes}, each record's
        PDF exactly as a render of that record alone would give it.

        Many records per wkhtmltopdf call (``ar_collections.pdf_batch_size``),
        several calls at once (``ar_collections.pdf_workers``). ``meanwhile``: a
        function called once, while the wkhtmltopdf processes run when they run in
        the background (the caller's other work overlaps them), else at the end."""
        res_ids = list(dict.fromkeys(res_ids or ()))
        if not res_ids:
            if meanwhile:
                meanwhile()
            return {}
        if self.get_wkhtmltopdf_state() == "install":
            raise UserError(
                _(
                    "Unable to find Wkhtmltopdf on this system. "
                    "The PDF can not be created."
                )
            )
        report = self._get_report(report_ref)
        data = self._ar_pdf_data(report_ref, res_ids, data)
        this = self.with_context(debug=False, webp_as_jpg=True)
        cache = self.env.cr.cache
        owner = PAPERFORMAT_MEMO not in cache
        cache.setdefault(PAPERFORMAT_MEMO, {})
        try:
            return this._ar_render_pdfs_batched(
                report, report_ref, res_ids, data, meanwhile
            )
        finally:
            if owner:
                cache.pop(PAPERFORMAT_MEMO, None)

    def get_paperformat_by_xmlid(self, xml_id):
        """While ``_ar_render_pdfs`` renders, the paper format of a report is looked
        up once, not for every record: Odoo's minimal layout (each record's header
        and footer) asks for it with ``env.ref``, one query per record."""
        memo = self.env.cr.cache.get(PAPERFORMAT_MEMO)
        if memo is None or not xml_id:
            return super().get_paperformat_by_xmlid(xml_id)
        key = (xml_id, self.env.company.id)
        if key not in memo:
            memo[key] = super().get_paperformat_by_xmlid(xml_id).id
        return self.env["report.paperformat"].browse(memo[key])

    @api.model
    def _ar_render_pdfs_batched(self, report, report_ref, res_ids, data, meanwhile):
        """The PDFs of ``_ar_render_pdfs``: the stored ones, then the others in
        batches."""
        meanwhile = meanwhile or (lambda: None)
        result = self._ar_stored_pdfs(report, res_ids)
        todo = [res_id for res_id in res_ids if res_id not in result]
        chunks = [
            todo[start : start + self._ar_pdf_batch_size()]
            for start in range(0, len(todo), self._ar_pdf_batch_size())
        ]
        if _wkhtmltopdf_patched_qt() or request:
            # Odoo's own path: several input pages (patched Qt), or the session
            # cookie wkhtmltopdf needs inside an HTTP request.
            for chunk in chunks:
                result.update(self._ar_render_chunk_odoo(report_ref, chunk, data))
            meanwhile()
            return result
        with ExitStack() as stack:
            pool = stack.enter_context(ThreadPoolExecutor(self._ar_pdf_workers()))
            tmpdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="ar_pdf."))
            jobs = []
            for index, chunk in enumerate(chunks):
                prepared = self._ar_prepare_chunk(
                    report_ref, chunk, data, tmpdir, index
                )
                if prepared is None:  # one HTML document per record is not possible
                    result.update(self._ar_render_one_by_one(report_ref, chunk, data))
                    continue
                command, output_path, token = prepared
                future = pool.submit(_run_process, command, output_path)
                jobs.append((chunk, token, future))
            meanwhile()
            for chunk, token, future in jobs:
                pdf, error = future.result()
                if error:
                    _logger.warning(error)
                    raise UserError(error)
                result.update(self._ar_split_pdf(pdf, chunk, token))
        return result

    @api.model
    def _ar_pdf_data(self, report_ref, res_ids, data):
        """The report's data, as Odoo's ``_pre_render_qweb_pdf`` prepares it."""
        data = dict(data or {}, report_type="pdf", debug=False)
        if self._is_invoice_report(report_ref):
            invoices = self.env["account.move"].browse(res_ids)
            if any(move.move_type == "entry" for move in invoices):
                raise UserError(_("Only invoices could be printed."))
            if (
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("account.display_name_in_footer")
            ):
                data["display_name_in_footer"] = True
        return data

    @api.model
    def _ar_stored_pdfs(self, report, res_ids):
        """{res_id: bytes} of the records whose report is reused from its stored
        attachment (``attachment_use``), as Odoo does."""
        if not (report.attachment and report.attachment_use):
            return {}
        stored = {}
        for record in self.env[report.model].browse(res_ids):
            attachment = report.retrieve_attachment(record)
            if attachment and attachment.mimetype == "application/pdf":
                stored[record.id] = attachment.raw
        return stored

    @api.model
    def _ar_prepare_chunk(self, report_ref, chunk, data, tmpdir, index):
        """Render the chunk's HTML as one document and write it, with the header and
        footer, to ``tmpdir``: (wkhtmltopdf command, output path, marker token), or
        None when the report's HTML does not give one article per record."""
        report = self._get_report(report_ref)
        html = self._render_qweb_html(report_ref, chunk, data=dict(data or {}))[0]
        # The records' articles, taken out of the page before Odoo's _prepare_html
        # sees it: it renders the minimal layout around the first one only (and
        # merges the headers and footers of all), instead of once per record.
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
        articles = root.xpath(ARTICLE_XPATH)
        html_ids = [
            int(article.get("data-oe-id", 0))
            if article.get("data-oe-model") == report.model
            else None
            for article in articles
        ]
        if html_ids != chunk:
            return None
        for article in articles[1:]:
            article.getparent().remove(article)
        bodies, _ids, header, footer, paper_args = report._prepare_html(
            lxml.html.tostring(root, encoding="utf-8"), report_model=report.model
        )
        token = secrets.token_hex(8)
        document = self._ar_join_bodies(bodies[0], articles, chunk, token)
        paths = {}
        for name, content in (
            ("body", document),
            ("header", header),
            ("footer", footer),
        ):
            if content:
                paths[name] = os.path.join(tmpdir, f"{index}-{name}.html")
                with open(paths[name], "wb") as output:
                    output.write(content.encode())
        paperformat = report.get_paperformat()
        command = [_get_wkhtmltopdf_bin()]
        command += self._build_wkhtmltopdf_args(
            paperformat,
            self.env.context.get("landscape"),
            specific_paperformat_args=paper_args,
            set_viewport_size=self.env.context.get("set_viewport_size"),
        )
        if "header" in paths:
            command += ["--header-html", paths["header"]]
        if "footer" in paths:
            command += ["--footer-html", paths["footer"]]
        output_path = os.path.join(tmpdir, f"{index}.pdf")
        command += [paths["body"], output_path]
        return command, output_path, token

    @api.model
    def _ar_join_bodies(self, first_body, articles, res_ids, token):
        """One HTML document for the records' ``articles`` (as the report renders
        them): ``first_body``, the first record's document as ``_prepare_html``
        gives it (Odoo's minimal layout), its ``<body>`` holding each record's
        content in a block, with an invisible link to
        ``MARKER_HOST/<token>/<res_id>`` in its top corner. The layout puts nothing
        else around a record: the others' articles go in as they are.

        Every record after the first starts a new page, and starts it as the first
        record starts the document: a script gives its block the body's top margin
        and padding (which collapse with the record's first margin as they do at the
        top of the body), and a hairline border keeps that margin from being
        dropped at the page break. So each record's pages break where they would
        in a document of its own."""
        parser = lxml.html.HTMLParser(encoding="utf-8")
        root = lxml.html.fromstring(first_body.encode(), parser=parser)
        body = root.find("body")
        for index, (article, res_id) in enumerate(zip(articles, res_ids, strict=True)):
            block = etree.Element("div")
            marker = etree.SubElement(block, "a")
            marker.set("href", f"{MARKER_HOST}/{token}/{res_id}")
            marker.set("style", MARKER_STYLE)
            if index:
                block.set("style", NEXT_RECORD_STYLE)
                content = etree.SubElement(block, "div")
                content.set("class", "o_ar_pdf_record_top")
                content.append(article)
            else:
                block.set("style", "position: relative;")
                block.text, body.text = body.text, None
                block.extend(list(body))
            body.append(block)
        script = etree.SubElement(body, "script")
        script.text = RECORD_TOP_SCRIPT
        return "<!DOCTYPE html>" + lxml.html.tostring(root, encoding="unicode")

    @api.model
    def _ar_split_pdf(self, pdf, res_ids, token):
        """Split the chunk's PDF at the pages carrying each record's marker, and
        remove the markers: {res_id: bytes}."""
        reader = PdfFileReader(io.BytesIO(pdf))
        prefix = f"{MARKER_HOST}/{token}/"
        starts = {}
        pages = list(reader.pages)
        for number, page in enumerate(pages):
            annots = page.get("/Annots")
            if not annots:
                continue
            kept = []
            for annot in annots.get_object():
                uri = annot.get_object().get("/A", {}).get("/URI", "")
                if isinstance(uri, str) and uri.startswith(prefix):
                    starts.setdefault(int(uri[len(prefix) :]), number)
                else:
                    kept.append(annot)
            if len(kept) != len(annots.get_object()):
                if kept:
                    page[NameObject("/Annots")] = ArrayObject(kept)
                else:
                    del page["/Annots"]
        order = [starts.get(res_id) for res_id in res_ids]
        if None in order or order != sorted(order) or (order and order[0] != 0):
            raise UserError(
                _(
                    "The PDF of %(count)s records could not be split per record: "
                    "a record's first page was not found.",
                    count=len(res_ids),
                )
            )
        result = {}
        for position, res_id in enumerate(res_ids):
            first = order[position]
            last = order[position + 1] if position + 1 < len(order) else len(pages)
            writer = PdfFileWriter()
            for number in range(first, last):
                writer.add_page(pages[number])
            stream = io.BytesIO()
            writer.write(stream)
            result[res_id] = stream.getvalue()
        return result

    @api.model
    def _ar_render_chunk_odoo(self, report_ref, chunk, data):
        """Odoo's multi-record rendering of one chunk; per record when Odoo could
        not split it, or when this wkhtmltopdf refuses several input pages (inside
        an HTTP request on unpatched Qt: Odoo's call would give an empty file)."""
        if not _wkhtmltopdf_patched_qt():
            return self._ar_render_one_by_one(report_ref, chunk, data)
        streams = self._render_qweb_pdf_prepare_streams(
            report_ref, dict(data or {}), res_ids=chunk
        )
        if all(streams.get(res_id, {}).get("stream") for res_id in chunk):
            return {res_id: streams[res_id]["stream"].getvalue() for res_id in chunk}
        return self._ar_render_one_by_one(report_ref, chunk, data)

    @api.model
    def _ar_render_one_by_one(self, report_ref, res_ids, data):
        """Odoo's own rendering, one record per call. Through ``_render_qweb_pdf``:
        in tests it gives the HTML, as Odoo does, since wkhtmltopdf would wait for
        the test server's assets while the request that called it holds the test
        cursor."""
        result = {}
        for res_id in res_ids:
            content, _kind = self._render_qweb_pdf(
                report_ref, [res_id], data=dict(data or {})
            )
            result[res_id] = content
        return result
