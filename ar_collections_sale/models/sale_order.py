from odoo import _, api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ar_credit_hold_id = fields.Many2one(
        "ar.credit.hold",
        string="Customer credit hold",
        compute="_compute_ar_collection_status",
        help="The active credit hold of the customer in the order's company.",
    )
    ar_credit_hold = fields.Boolean(
        string="On credit hold", compute="_compute_ar_collection_status"
    )
    ar_credit_hold_reason = fields.Char(
        string="Credit hold reason", compute="_compute_ar_collection_status"
    )
    ar_credit_hold_date = fields.Date(
        string="On credit hold since", compute="_compute_ar_collection_status"
    )
    ar_collection_stage_id = fields.Many2one(
        "ar.collection.stage",
        string="Collection stage",
        compute="_compute_ar_collection_status",
    )
    ar_overdue_amount = fields.Monetary(
        string="Customer overdue",
        compute="_compute_ar_collection_status",
        currency_field="ar_company_currency_id",
    )
    ar_company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )
    ar_confirmation_pending = fields.Boolean(
        string="Accepted, waiting for credit review",
        readonly=True,
        copy=False,
        help="The customer accepted (signed or paid) this quotation while on credit "
        "hold: it waits for a person to confirm it.",
    )

    @api.depends("partner_id", "company_id")
    def _compute_ar_collection_status(self):
        partners = self.partner_id.commercial_partner_id
        # sudo: the hold of a parent company applies to its branches (see
        # res.partner._compute_credit_hold)
        holds = (
            self.env["ar.credit.hold"].sudo()._active_by_key(partners, self.company_id)
        )
        overdue = self.env["res.partner"]._ar_sale_overdue_by_partner(
            partners, self.company_id
        )
        for order in self:
            key = (order.partner_id.commercial_partner_id.id, order.company_id.id)
            hold = holds.get(key) or self.env["ar.credit.hold"]
            order.ar_credit_hold_id = hold.id
            order.ar_credit_hold = bool(hold)
            order.ar_credit_hold_reason = hold.reason
            order.ar_credit_hold_date = hold.date
            order.ar_collection_stage_id = (
                order.partner_id.commercial_partner_id.collection_stage_id
            )
            order.ar_overdue_amount = overdue.get(key, 0.0)

    # Credit hold: confirmation refused, whatever the path --------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Created confirmed is confirmed: created as a quotation, then confirmed by
        # write, which checks the credit hold.
        confirm = [vals.get("state") == "sale" for vals in vals_list]
        vals_list = [
            dict(vals, state="draft") if confirmed else vals
            for vals, confirmed in zip(vals_list, confirm, strict=True)
        ]
        orders = super().create(vals_list)
        to_confirm = self.browse(
            [
                order.id
                for order, confirmed in zip(orders, confirm, strict=True)
                if confirmed
            ]
        )
        if to_confirm:
            to_confirm.write({"state": "sale"})
        return orders

    def write(self, vals):
        if vals.get("state") == "sale":
            self._ar_check_credit_hold(vals)
        if vals.get("state") not in (None, "draft", "sent"):
            vals = dict(vals, ar_confirmation_pending=False)
        return super().write(vals)

    def action_confirm(self):
        """Refuse quotations of customers on credit hold (server side).

        Checked here before anything is done, and again by ``write`` when the state
        becomes ``sale`` (which also logs an authorised override, once).
        """
        self._ar_check_credit_hold({}, log_override=False)
        return super().action_confirm()

    def _ar_check_credit_hold(self, vals, log_override=True):
        """Refuse confirming these orders, written with ``vals``, for a customer on
        hold: the customer's or the invoice address's commercial partner."""
        Partner = self.env["res.partner"]
        partner = Partner.browse(vals.get("partner_id") or [])
        invoice_partner = Partner.browse(vals.get("partner_invoice_id") or [])
        company = self.env["res.company"].browse(vals.get("company_id") or [])
        self.env["ar.credit.hold"]._enforce(
            self.filtered(lambda order: order.state != "sale"),
            lambda order: (
                (partner or order.partner_id)
                | (invoice_partner or order.partner_invoice_id)
            ),
            lambda order: company or order.company_id,
            _("confirm this quotation"),
            log_override=log_override,
        )

    def _ar_credit_hold_blocked(self):
        """[(order, hold)] of these quotations that a confirmation would refuse."""
        Hold = self.env["ar.credit.hold"]
        if Hold._override_reason():
            return []
        return Hold._blocked(
            self.filtered(lambda order: order.state in ("draft", "sent")),
            lambda order: order.partner_id | order.partner_invoice_id,
            lambda order: order.company_id,
        )

    # Customer acceptance (portal signature, online payment) -------------------------

    def _validate_order(self):
        """Portal acceptance: a quotation of a customer on hold waits for a person.

        The customer is not told about the hold (the portal shows a neutral message,
        see ``sale_order_portal_templates.xml``); the order is flagged and the
        collector (or salesperson) gets an activity.
        """
        blocked = self._ar_credit_hold_blocked()
        if blocked:
            self._ar_defer_confirmation(blocked, _("signed on the customer portal"))
        waiting = self.browse([order.id for order, _hold in blocked])
        if self - waiting:
            return super(SaleOrder, self - waiting)._validate_order()
        return None

    def _ar_defer_confirmation(self, blocked, how):
        """Leave these accepted quotations unconfirmed: flag, note, activity.

        :param blocked: [(order, hold)] from ``_ar_credit_hold_blocked``
        :param how: how the customer accepted, e.g. "signed on the customer portal"
        """
        # The customer may be the public user: the notes are OdooBot's.
        odoobot = self.env.ref("base.partner_root")
        for order, hold in blocked:
            note = _(
                "Accepted by the customer (%(how)s) while %(customer)s is on credit "
                "hold since %(date)s: %(reason)s. Not confirmed: confirm it once the "
                "hold is released, or override it with a reason.",
                how=how,
                customer=hold.partner_id.display_name,
                date=hold.date,
                reason=hold.reason,
            )
            order._message_log(body=note, author_id=odoobot.id)
            if order.ar_confirmation_pending:
                continue
            order.ar_confirmation_pending = True
            user = (
                order.partner_id.commercial_partner_id.collector_id
                or order.user_id
                or hold.user_id
            )
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Credit hold: review the accepted quotation"),
                note=note,
                user_id=user.id,
            )

    def action_ar_credit_hold_override(self):
        return self.env["ar.credit.hold.override.wizard"]._open_for(self)

    def _ar_credit_hold_proceed(self):
        """What the override wizard goes ahead with: confirming."""
        return self.action_confirm()
