from odoo import api, fields, models
from odoo.tools.misc import file_open

SHIPPED_LADDERS = ("standard_b2b",)


class ResCompany(models.Model):
    _inherit = "res.company"

    ar_default_ladder_id = fields.Many2one(
        "ar.dunning.ladder",
        string="Default dunning ladder",
        domain="[('company_id', '=', id)]",
        help="Used for customers no other ladder applies to.",
    )

    def _ar_reset_collection_schedule(self):
        """A ladder changed: every open invoice of these companies is looked at again."""
        if not self:
            return
        moves = self.env["account.move"].sudo().search(
            [("company_id", "in", self.ids), ("collection_next_date", "!=", False)]
            + self.env["account.move"]._ar_open_invoice_domain()
        )
        moves._ar_reset_collection_schedule()

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._ar_install_shipped_ladders()
        return companies

    def _ar_install_shipped_ladders(self):
        """Create the ladders shipped in data/ladders/ for companies that have none."""
        Ladder = self.env["ar.dunning.ladder"].sudo().with_context(active_test=False)
        for code in SHIPPED_LADDERS:
            with file_open(f"ar_collections/data/ladders/{code}.yaml") as source_file:
                source = source_file.read()
            for company in self:
                if Ladder.search_count([("company_id", "=", company.id), ("code", "=", code)]):
                    continue
                ladder = Ladder.create({"yaml_source": source, "company_id": company.id})
                if not company.ar_default_ladder_id:
                    company.sudo().ar_default_ladder_id = ladder

    def write(self, vals):
        result = super().write(vals)
        if "ar_default_ladder_id" in vals:
            self._ar_reset_collection_schedule()
        return result
