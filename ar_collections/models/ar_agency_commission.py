from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from .ar_agency_referral import PAUSING_STATES


class ArAgencyCommission(models.Model):
    """The agency's commission, billed as draft vendor bills (per referral or per
    period)."""

    _inherit = "ar.agency.referral"

    @api.model
    def _plain_context(self):
        keep = ("lang", "tz", "allowed_company_ids")
        return {key: self.env.context[key] for key in keep if key in self.env.context}

    # Commission ----------------------------------------------------------------------

    def _bill_commission(self):
        """Draft vendor bill(s) to the agency for the commission not billed yet.

        One bill per agency and company, one line per referral; the line account is
        the company's commission account setting, else the purchase journal default
        (Odoo's default for a bill line without product). No tax is set.
        """
        todo = self.filtered(lambda r: not r.currency_id.is_zero(r.commission_to_bill))
        groups = defaultdict(lambda: self.browse())
        for referral in todo:
            groups[(referral.company_id, referral.agency_id)] |= referral
        bills = self.env["account.move"]
        for (company, agency), referrals in groups.items():
            account = company.ar_agency_commission_account_id
            line_vals = [
                {
                    "name": _(
                        "Collection commission %(name)s (%(customer)s): %(rate)s%% of "
                        "%(recovered)s recovered",
                        name=referral.name,
                        customer=referral.partner_id.name,
                        rate=referral.commission_rate,
                        recovered=referral.amount_recovered,
                    ),
                    "quantity": 1,
                    "price_unit": referral.commission_to_bill,
                    "tax_ids": [Command.clear()],
                    **({"account_id": account.id} if account else {}),
                }
                for referral in referrals
            ]
            bill = (
                self.env["account.move"]
                .with_context(self._plain_context())
                .with_company(company)
                .create(
                    {
                        "move_type": "in_invoice",
                        "partner_id": agency.id,
                        "company_id": company.id,
                        "invoice_date": fields.Date.context_today(self),
                        "currency_id": company.currency_id.id,
                        "ref": ", ".join(referrals.mapped("name")),
                        "invoice_line_ids": [Command.create(v) for v in line_vals],
                    }
                )
            )
            for referral in referrals:
                referral._transition(
                    {
                        "commission_billed": referral.commission_billed
                        + referral.commission_to_bill,
                        "commission_move_ids": [Command.link(bill.id)],
                    }
                )
                referral.message_post(
                    body=_("Commission billed: %(bill)s", bill=bill.display_name),
                    subtype_xmlid="mail.mt_note",
                )
            bills |= bill
        return bills

    def action_bill_commission(self):
        self._check_manager(_("bill the commission of"))
        bills = self._bill_commission()
        if not bills:
            raise UserError(_("No commission left to bill."))
        return self._open_moves(bills, _("Commission bills"))

    @api.model
    def _cron_bill_commissions(self):
        """Monthly: one bill per agency billed per period, for the commission due."""
        referrals = self.search(
            [
                ("state", "in", PAUSING_STATES),
                ("agency_id.agency_billing_mode", "=", "period"),
                ("commission_amount", ">", 0),
            ]
        )
        return referrals._bill_commission()
