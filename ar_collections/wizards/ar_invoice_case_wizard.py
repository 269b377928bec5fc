from odoo import Command, api, fields, models


class ArInvoiceCaseWizard(models.AbstractModel):
    """What the wizards that open cases on a selection of open invoices share
    (agency referral, write-off request): the invoices, how many customers they
    belong to (one case each), how the wizard opens and how the new cases show."""

    _name = "ar.invoice.case.wizard"
    _description = "Open cases on invoices"

    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    partner_count = fields.Integer(compute="_compute_partner_count")

    @api.depends("move_ids")
    def _compute_partner_count(self):
        for wizard in self:
            wizard.partner_count = len(wizard.move_ids.commercial_partner_id)

    @api.model
    def _ar_window_name(self):
        """The title of the wizard's dialog."""
        return self._description

    @api.model
    def _open_for(self, moves):
        return {
            "type": "ir.actions.act_window",
            "name": self._ar_window_name(),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_ids": [Command.set(moves.ids)]},
        }

    @api.model
    def _ar_open_cases(self, cases, list_name):
        """The case created, or the list of them (one per customer)."""
        action = {"type": "ir.actions.act_window", "res_model": cases._name}
        if len(cases) == 1:
            return action | {
                "view_mode": "form",
                "views": [(False, "form")],
                "res_id": cases.id,
            }
        return action | {
            "name": list_name,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", cases.ids)],
        }
