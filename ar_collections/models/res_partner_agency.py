from odoo import _, api, fields, models

from .res_partner import USER_GROUP

# The agency's terms: where customer data and invoices are sent, what it is paid.
AGENCY_FIELDS = {
    "is_collection_agency",
    "collection_agency_code",
    "agency_commission_rate",
    "agency_minimum_fee",
    "agency_email",
    "agency_case_file_format",
    "agency_billing_mode",
}


class ResPartner(models.Model):
    """Collection agencies and their terms; a customer's referrals and legal cases.

    The terms (``AGENCY_FIELDS``) are collections managers' settings, read by
    collectors: see ``res_partner.py::_ar_manager_fields``.
    """

    _inherit = "res.partner"

    is_collection_agency = fields.Boolean(
        string="Collection agency",
        tracking=True,
        groups=USER_GROUP,
        help="Debts can be referred to this partner (Collections > Agency referrals).",
    )
    collection_agency_code = fields.Char(
        string="Agency code",
        tracking=True,
        groups=USER_GROUP,
        copy=False,
        help="How ladders name this agency: refer_to_agency: {agency: <code>}.",
    )
    agency_commission_rate = fields.Float(
        string="Commission (%)",
        tracking=True,
        groups=USER_GROUP,
        digits=(16, 2),
        help="Percent of the amount recovered.",
    )
    agency_minimum_fee = fields.Float(
        string="Minimum fee",
        tracking=True,
        groups=USER_GROUP,
        digits="Account",
        help="Charged per closed case that recovered something, when the rate gives "
        "less (company currency).",
    )
    agency_email = fields.Char(
        string="Case-file e-mail",
        tracking=True,
        groups=USER_GROUP,
        help="Where referrals are sent; empty: the partner's e-mail.",
    )
    agency_case_file_format = fields.Selection(
        [
            ("csv", "PDF + CSV"),
            ("xlsx", "PDF + XLSX"),
            ("csv_xlsx", "PDF + CSV + XLSX"),
        ],
        string="Case-file format",
        tracking=True,
        groups=USER_GROUP,
        default="csv_xlsx",
        help="Besides the PDF summary and the invoice PDFs, always sent.",
    )
    agency_billing_mode = fields.Selection(
        [("referral", "Per referral"), ("period", "Per month")],
        string="Commission billing",
        tracking=True,
        groups=USER_GROUP,
        default="referral",
        help="Per referral: a draft vendor bill when a referral closes. Per month: "
        "one bill per month for all the commission due.",
    )
    agency_referral_ids = fields.One2many(
        "ar.agency.referral", "partner_id", string="Agency referrals", readonly=True
    )
    agency_referral_count = fields.Integer(compute="_compute_agency_referral_count")
    legal_case_count = fields.Integer(compute="_compute_agency_referral_count")

    _sql_constraints = [
        (
            "collection_agency_code_unique",
            "UNIQUE(collection_agency_code)",
            "Two collection agencies cannot share a code.",
        ),
    ]

    @api.model
    def _ar_manager_fields(self):
        return super()._ar_manager_fields() | AGENCY_FIELDS

    def _compute_agency_referral_count(self):
        commercial_ids = self.commercial_partner_id.ids
        counts = {}
        for model, key in (
            ("ar.agency.referral", "referral"),
            ("ar.legal.case", "legal"),
        ):
            groups = self.env[model]._read_group(
                [("partner_id", "in", commercial_ids)], ["partner_id"], ["__count"]
            )
            counts[key] = {partner.id: count for partner, count in groups}
        for partner in self:
            commercial = partner.commercial_partner_id.id
            partner.agency_referral_count = counts["referral"].get(commercial, 0)
            partner.legal_case_count = counts["legal"].get(commercial, 0)

    @api.model
    def _ar_find_agency(self, code, company):
        """The agency a ladder names: ``default`` is the company's default agency."""
        if code == "default":
            return company.ar_default_agency_id
        return self.search(
            [
                ("is_collection_agency", "=", True),
                ("collection_agency_code", "=", code),
            ],
            limit=1,
        )

    def action_refer_to_agency(self):
        return self.env["ar.agency.referral.wizard"]._open_for_partners(
            self.commercial_partner_id
        )

    def action_send_to_legal(self):
        partners = self.commercial_partner_id
        cases = self.env["ar.legal.case"]._open_cases(
            partners, partners.collection_overdue_move_ids
        )
        return cases._open_form()

    def action_view_agency_referrals(self):
        return self._ar_workbench_action("ar.agency.referral", _("Agency referrals"))

    def action_view_legal_cases(self):
        return self._ar_workbench_action("ar.legal.case", _("Legal cases"))
