"""The customer's page "Your overdue invoices": pay, promise, dispute, statement.

Two ways in: the signed link of a notice (``/my/collections/<notice id>?access_token=``,
no account needed; the token is the notice's ``access_token``) and, for a logged-in
portal user, ``/my/collections`` (their commercial partner). Both show the customer's
current open invoices of one company. Every form is checked here (its fields parse)
and then by the model's ``_ar_create_from_portal`` (own open invoices, dates,
amounts, reasons, the form's one-time nonce), which writes as superuser only after
those checks; the models' own constraints still apply.
"""

import math
import uuid
from datetime import timedelta
from urllib.parse import urlencode

import psycopg2
from werkzeug.exceptions import Forbidden, NotFound

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal

OPEN_STATES = ("not_paid", "partial")
NOTICE_ROUTE = "/my/collections/<int:notice_id>"
OWN_ROUTE = "/my/collections"


class PortalInputError(Exception):
    """A form field that does not parse; its message is shown on the page."""


class ArCollectionsPortal(CustomerPortal):
    # Who and what ------------------------------------------------------------------

    def _ar_context(self, notice_id=None, access_token=None, company_id=None):
        """{customer, company, actor, notice, access_token, base_url} of the page,
        or NotFound/Forbidden. ``actor`` is the partner who acts: the logged-in
        user's, else the notice's recipient."""
        user = request.env.user
        notice = None
        if notice_id is not None:
            try:
                notice = self._document_check_access(
                    "ar.collection.notice", notice_id, access_token=access_token
                )
            except MissingError as error:
                raise NotFound() from error
            except AccessError as error:
                raise Forbidden() from error
            customer = notice.partner_id.commercial_partner_id
            company = notice.company_id
            actor = notice.recipient_id if user._is_public() else user.partner_id
            base_url = f"/my/collections/{notice.id}"
        else:
            if user._is_public():
                raise Forbidden()
            customer = user.partner_id.commercial_partner_id.sudo()
            company = self._ar_default_company(customer, company_id)
            actor = user.partner_id
            base_url = OWN_ROUTE
        return {
            "customer": customer.sudo(),
            "company": company.sudo(),
            "actor": actor.sudo(),
            "notice": notice,
            "access_token": access_token if notice else None,
            "base_url": base_url,
        }

    def _ar_default_company(self, customer, company_id=None):
        """The company whose invoices the page lists: the one asked for (if the
        customer has open invoices there), else the one of its oldest open
        invoice, else the user's."""
        moves = self._ar_open_moves(customer, None)
        companies = moves.company_id
        if company_id:
            try:
                wanted = int(company_id)
            except ValueError:
                wanted = None
            match = companies.filtered(lambda c: c.id == wanted)
            if match:
                return match
        return moves[:1].company_id or request.env.user.company_id

    def _ar_url(self, context, suffix="", **params):
        if context["access_token"]:
            params["access_token"] = context["access_token"]
        if context["notice"] is None:
            params.setdefault("company_id", context["company"].id)
        query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
        return f"{context['base_url']}{suffix}" + (f"?{query}" if query else "")

    def _ar_open_moves(self, customer, company):
        domain = [
            ("commercial_partner_id", "=", customer.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", OPEN_STATES),
        ]
        if company is not None:
            domain.append(("company_id", "=", company.id))
        return (
            request.env["account.move"]
            .sudo()
            .search(domain, order="invoice_date_due, name, id")
        )

    # The page ----------------------------------------------------------------------

    def _ar_page_values(self, context, errors=None, submitted=None, **kwargs):
        customer, company = context["customer"], context["company"]
        env = request.env
        today = fields.Date.context_today(env.user)
        moves = self._ar_open_moves(customer, company)
        overdue = moves.filtered(
            lambda m: (m.invoice_date_due or m.invoice_date) < today
        )
        not_due = moves - overdue
        Promise = env["ar.collection.promise"].sudo()
        Dispute = env["ar.collection.dispute"].sudo()
        promises = Promise.search(
            [("move_ids", "in", moves.ids), ("state", "=", "open")]
        )
        disputes = Dispute.search(
            [("move_ids", "in", moves.ids), ("state", "=", "open")]
        )
        totals = {}
        for move in overdue:
            totals[move.currency_id] = (
                totals.get(move.currency_id, 0.0) + move.amount_residual
            )
        reasons = Dispute._fields["reason"]._description_selection(env)
        max_days = Promise._ar_portal_max_days(overdue or moves)
        done = self._ar_done_case(context, kwargs)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "ar_collections",
                "today": today,
                "no_breadcrumbs": env.user._is_public(),
                "ar": context,
                "customer": customer,
                "company": company,
                "overdue_moves": overdue,
                "not_due_moves": not_due,
                "overdue_totals": sorted(totals.items(), key=lambda i: i[0].name),
                "promised_by_move": {
                    move.id: promise
                    for promise in promises
                    for move in promise.move_ids
                },
                "disputed_by_move": {
                    move.id: dispute
                    for dispute in disputes
                    for move in dispute.move_ids
                },
                "dispute_reasons": reasons,
                "promise_min_date": today + timedelta(days=1),
                "promise_max_date": fields.Date.add(today, days=max_days),
                "promise_nonce": uuid.uuid4().hex,
                "dispute_nonce": uuid.uuid4().hex,
                "errors": errors or {},
                "submitted": submitted or {},
                "done": done,
                "ar_url": lambda suffix="", **params: self._ar_url(
                    context, suffix, **params
                ),
                "ar_online_payment": False,
                "other_companies": (
                    self._ar_open_moves(customer, None).company_id - company
                    if context["notice"] is None
                    else env["res.company"]
                ),
            }
        )
        return values

    def _ar_done_case(self, context, kwargs):
        """The promise or dispute just recorded (after the redirect), if it is
        this customer's."""
        for key, model in (
            ("promise_id", "ar.collection.promise"),
            ("dispute_id", "ar.collection.dispute"),
        ):
            try:
                case_id = int(kwargs.get(key) or 0)
            except ValueError:
                continue
            if case_id:
                case = request.env[model].sudo().browse(case_id).exists()
                if case and case.partner_id == context["customer"]:
                    return {"kind": key, "case": case}
        return None

    def _ar_render(self, context, status=200, **kwargs):
        values = self._ar_page_values(context, **kwargs)
        lang = context["actor"].lang if request.env.user._is_public() else None
        if lang:
            request.update_context(lang=lang)
        return request.render(
            "ar_collections.portal_collections_page", values, status=status
        )

    @http.route(NOTICE_ROUTE, type="http", auth="public", website=True, sitemap=False)
    def ar_collections_notice_page(self, notice_id, access_token=None, **kwargs):
        context = self._ar_context(notice_id, access_token)
        return self._ar_render(context, **kwargs)

    @http.route(OWN_ROUTE, type="http", auth="user", website=True, sitemap=False)
    def ar_collections_own_page(self, company_id=None, **kwargs):
        context = self._ar_context(company_id=company_id)
        return self._ar_render(context, **kwargs)

    # Forms -------------------------------------------------------------------------

    def _ar_form_moves(self, context):
        """The invoices ticked in the form (``move_ids``), as records; ids that do
        not parse are refused (the model checks whose they are)."""
        raw = request.httprequest.form.getlist("move_ids")
        if not raw:
            raise PortalInputError(_("Choose at least one invoice."))
        try:
            ids = {int(value) for value in raw}
        except ValueError as error:
            raise PortalInputError(_("The invoices chosen are not valid.")) from error
        moves = request.env["account.move"].sudo().browse(sorted(ids)).exists()
        if len(moves) != len(ids):
            raise PortalInputError(_("The invoices chosen are not valid."))
        return moves

    @staticmethod
    def _ar_form_amount(value):
        try:
            amount = float((value or "").strip().replace(" ", "").replace(",", "."))
        except ValueError as error:
            raise PortalInputError(
                _("Enter the amount as a number, like 1250.00.")
            ) from error
        if not math.isfinite(amount) or amount <= 0:
            raise PortalInputError(_("The amount must be more than zero."))
        return amount

    @staticmethod
    def _ar_form_date(value):
        try:
            date = fields.Date.to_date((value or "").strip())
        except ValueError as error:
            raise PortalInputError(_("Enter the date as YYYY-MM-DD.")) from error
        if not date:
            raise PortalInputError(_("Choose the date you will pay."))
        return date

    def _ar_submit(self, context, form, create):
        """Run ``create()`` (which returns the case) in a savepoint; on bad input
        the page again with the message and what was typed, else a redirect to
        the page saying what was recorded (a replay lands there too)."""
        submitted = dict(request.httprequest.form)
        submitted["move_ids"] = request.httprequest.form.getlist("move_ids")
        try:
            with request.env.cr.savepoint():
                case = create()
        except psycopg2.IntegrityError:
            # The same form submitted twice at once: the nonce is unique.
            case = None
        except (PortalInputError, UserError, ValidationError) as error:
            message = error.args[0] if error.args else str(error)
            return self._ar_render(
                context, status=400, errors={form: message}, submitted=submitted
            )
        if case is None:
            Model = request.env[
                "ar.collection.promise"
                if form == "promise"
                else "ar.collection.dispute"
            ]
            case = Model.sudo().search(
                [("portal_nonce", "=", request.params.get("nonce") or "-")], limit=1
            )
        params = {f"{form}_id": case.id}
        return request.redirect(self._ar_url(context, **params) + f"#ar_{form}_done")

    def _ar_promise(self, context, move_ids=None, amount=None, date=None, nonce=None):
        def create():
            moves = self._ar_form_moves(context)
            return (
                request.env["ar.collection.promise"]
                .sudo()
                ._ar_create_from_portal(
                    context["actor"],
                    context["company"],
                    moves,
                    self._ar_form_amount(amount),
                    self._ar_form_date(date),
                    nonce,
                )
            )

        return self._ar_submit(context, "promise", create)

    def _ar_dispute(self, context, reason=None, description=None, nonce=None):
        def create():
            moves = self._ar_form_moves(context)
            files = [
                (upload.filename, upload.read(), upload.mimetype)
                for upload in request.httprequest.files.getlist("attachments")
                if upload.filename
            ]
            return (
                request.env["ar.collection.dispute"]
                .sudo()
                ._ar_create_from_portal(
                    context["actor"],
                    context["company"],
                    moves,
                    reason,
                    description,
                    files,
                    nonce,
                )
            )

        return self._ar_submit(context, "dispute", create)

    @http.route(
        f"{NOTICE_ROUTE}/promise",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def ar_collections_notice_promise(self, notice_id, access_token=None, **kwargs):
        context = self._ar_context(notice_id, access_token)
        return self._ar_promise(context, **self._ar_fields(kwargs, "promise"))

    @http.route(
        f"{OWN_ROUTE}/promise",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def ar_collections_own_promise(self, company_id=None, **kwargs):
        context = self._ar_context(company_id=company_id)
        return self._ar_promise(context, **self._ar_fields(kwargs, "promise"))

    @http.route(
        f"{NOTICE_ROUTE}/dispute",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def ar_collections_notice_dispute(self, notice_id, access_token=None, **kwargs):
        context = self._ar_context(notice_id, access_token)
        return self._ar_dispute(context, **self._ar_fields(kwargs, "dispute"))

    @http.route(
        f"{OWN_ROUTE}/dispute",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def ar_collections_own_dispute(self, company_id=None, **kwargs):
        context = self._ar_context(company_id=company_id)
        return self._ar_dispute(context, **self._ar_fields(kwargs, "dispute"))

    @staticmethod
    def _ar_fields(kwargs, form):
        names = {
            "promise": ("amount", "date", "nonce"),
            "dispute": ("reason", "description", "nonce"),
        }[form]
        return {
            name: kwargs.get(name) if isinstance(kwargs.get(name), str) else None
            for name in names
        }

    # Statement ---------------------------------------------------------------------

    def _ar_statement(self, context):
        customer, company = context["customer"], context["company"]
        lang = context["actor"].lang or customer.lang
        report = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(company)
            .with_context(lang=lang, allowed_company_ids=[company.id])
        )
        pdf, _type = report._render_qweb_pdf(
            "ar_collections.action_report_customer_statement", [customer.id]
        )
        filename = _(
            "Statement %(customer)s %(date)s.pdf",
            customer=customer.name,
            date=fields.Date.context_today(request.env.user),
        )
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    @http.route(f"{NOTICE_ROUTE}/statement", type="http", auth="public", sitemap=False)
    def ar_collections_notice_statement(self, notice_id, access_token=None, **kw):
        return self._ar_statement(self._ar_context(notice_id, access_token))

    @http.route(f"{OWN_ROUTE}/statement", type="http", auth="user", sitemap=False)
    def ar_collections_own_statement(self, company_id=None, **kw):
        return self._ar_statement(self._ar_context(company_id=company_id))

    # Portal home -------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "ar_overdue_count" in counters:
            customer = request.env.user.partner_id.commercial_partner_id
            today = fields.Date.context_today(request.env.user)
            values["ar_overdue_count"] = (
                request.env["account.move"]
                .sudo()
                .search_count(
                    [
                        ("commercial_partner_id", "=", customer.id),
                        ("move_type", "=", "out_invoice"),
                        ("state", "=", "posted"),
                        ("payment_state", "in", OPEN_STATES),
                        ("invoice_date_due", "<", today),
                    ]
                )
            )
        return values
