"""Pay overdue invoices from the collections page with Odoo's payment form."""

from odoo import Command, _, fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.ar_collections.controllers.portal import (
    NOTICE_ROUTE,
    OWN_ROUTE,
    ArCollectionsPortal,
    PortalInputError,
)


class ArCollectionsPaymentPortal(ArCollectionsPortal, PortalAccount):
    def _ar_page_values(self, context, errors=None, submitted=None, **kwargs):
        values = super()._ar_page_values(
            context, errors=errors, submitted=submitted, **kwargs
        )
        values["ar_online_payment"] = bool(
            request.env["payment.provider"]
            .sudo()
            .search_count(
                [
                    ("company_id", "=", context["company"].id),
                    ("state", "in", ("enabled", "test")),
                ],
                limit=1,
            )
        )
        return values

    def _ar_payable_moves(self, context, moves):
        """``moves`` if they are the customer's own open invoices of the page's
        company in one currency, else a UserError."""
        Promise = request.env["ar.collection.promise"].sudo()
        return Promise._ar_portal_check_moves(
            context["customer"], context["company"], moves
        )

    # The payment form ----------------------------------------------------------------

    def _ar_pay(self, context):
        try:
            moves = self._ar_payable_moves(context, self._ar_form_moves(context))
        except (PortalInputError, UserError) as error:
            return self._ar_render(
                context, status=400, errors={"pay": error.args[0]}, submitted={}
            )
        residual = sum(moves.mapped("amount_residual"))
        company = context["company"]
        reference = (
            company.get_next_batch_payment_communication()
            if len(moves) > 1
            else moves.name
        )
        ids = "-".join(str(move_id) for move_id in moves.ids)
        values = self._prepare_portal_layout_values()
        values.update(
            self._get_common_page_view_values(
                invoices_data={
                    "partner": context["customer"],
                    "company": company,
                    "total_amount": residual,
                    "currency": moves.currency_id,
                    "amount_residual": residual,
                    "payment_reference": reference,
                    "landing_route": self._ar_url(context),
                    "transaction_route": self._ar_url(context, f"/transaction/{ids}"),
                },
                access_token=context["access_token"],
            )
        )
        values.update(
            {
                "page_name": "ar_collections",
                "no_breadcrumbs": request.env.user._is_public(),
                "amount": residual,
                "moves": moves,
                "payment": {
                    "date": fields.Date.today(),
                    "reference": reference,
                    "amount": residual,
                    "currency": moves.currency_id,
                },
                "ar_back_url": self._ar_url(context),
            }
        )
        return request.render("ar_collections_payment.portal_collections_pay", values)

    @http.route(
        f"{NOTICE_ROUTE}/pay",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def ar_collections_notice_pay(self, notice_id, access_token=None, **kwargs):
        return self._ar_pay(self._ar_context(notice_id, access_token))

    @http.route(
        f"{OWN_ROUTE}/pay",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def ar_collections_own_pay(self, company_id=None, **kwargs):
        return self._ar_pay(self._ar_context(company_id=company_id))

    # The transaction -----------------------------------------------------------------

    def _ar_transaction(self, context, move_ids, **kwargs):
        """A draft transaction for exactly what the chosen invoices owe; every id
        is checked against the customer's open invoices of the page's company."""
        try:
            ids = [int(value) for value in move_ids.split("-")]
        except ValueError as error:
            raise ValidationError(_("The invoices chosen are not valid.")) from error
        moves = request.env["account.move"].sudo().browse(ids).exists()
        if not ids or len(moves) != len(set(ids)):
            raise ValidationError(_("The invoices chosen are not valid."))
        try:
            moves = self._ar_payable_moves(context, moves)
        except UserError as error:
            raise ValidationError(error.args[0]) from error
        # The payment form sends the reference it showed; the transaction's own
        # is computed from the invoices.
        kwargs.pop("payment_reference", None)
        self._validate_transaction_kwargs(kwargs)
        user = request.env.user
        partner = context["customer"] if user._is_public() else user.partner_id
        kwargs.update(
            {
                "amount": sum(moves.mapped("amount_residual")),
                "currency_id": moves.currency_id.id,
                "partner_id": partner.id,
                "landing_route": self._ar_url(context),
            }
        )
        kwargs.pop("csrf_token", None)
        tx_sudo = self._create_transaction(
            custom_create_values={"invoice_ids": [Command.set(moves.ids)]},
            **kwargs,
        )
        return tx_sudo._get_processing_values()

    @http.route(
        f"{NOTICE_ROUTE}/transaction/<string:move_ids>", type="json", auth="public"
    )
    def ar_collections_notice_transaction(
        self, notice_id, move_ids, access_token=None, **kwargs
    ):
        context = self._ar_context(notice_id, access_token)
        return self._ar_transaction(context, move_ids, **kwargs)

    @http.route(f"{OWN_ROUTE}/transaction/<string:move_ids>", type="json", auth="user")
    def ar_collections_own_transaction(
        self, move_ids, access_token=None, company_id=None, **kwargs
    ):
        first = move_ids.split("-", 1)[0]
        move = (
            request.env["account.move"].sudo().browse(int(first)).exists()
            if first.isdigit()
            else None
        )
        context = self._ar_context(company_id=move.company_id.id if move else None)
        return self._ar_transaction(context, move_ids, **kwargs)
