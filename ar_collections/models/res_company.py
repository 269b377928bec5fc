from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import file_open

from ..ladder import LadderError
from ..ladder.write_off_policy import parse_write_off_policy

SHIPPED_LADDERS = ("standard_b2b",)


class ResCompany(models.Model):
    _inherit = "res.company"

    ar_default_ladder_id = fields.Many2one(
        "ar.dunning.ladder",
        string="Default dunning ladder",
        domain="[('company_id', '=', id)]",
        help="Used for customers no other ladder applies to.",
    )

    # Collector workbench: worklist priority ------------------------------------
    ar_priority_weight_amount = fields.Float(
        string="Worklist weight: overdue amount",
        default=10.0,
        help="Priority points per 1,000 of overdue amount (company currency).",
    )
    ar_priority_weight_age = fields.Float(
        string="Worklist weight: days late",
        default=1.0,
        help="Priority points per day the customer's oldest overdue invoice is late.",
    )

    # Write-off approval --------------------------------------------------------------
    ar_write_off_policy = fields.Text(
        string="Write-off policy (YAML)",
        default=lambda self: self._ar_default_write_off_policy(),
        help="Approvals required per amount band and reason, posting method per reason "
        "and the post-mortem threshold (format: README, 'The write-off policy').",
    )
    ar_bad_debt_account_id = fields.Many2one(
        "account.account",
        string="Bad-debt expense account",
        domain="[('deprecated', '=', False), ('account_type', 'in', ('expense', "
        "'expense_direct_cost', 'expense_depreciation'))]",
        check_company=True,
        help="Debited by write-offs posted to bad debt, unless the write-off policy "
        "names an account (posting.bad_debt_account).",
    )

    @api.model
    def _ar_default_write_off_policy(self):
        with file_open("ar_collections/data/write_off_policy.yaml") as policy_file:
            return policy_file.read()

    @api.constrains("ar_write_off_policy")
    def _check_ar_write_off_policy(self):
        for company in self:
            try:
                company._ar_parse_write_off_policy()
            except LadderError as error:
                raise ValidationError(
                    _(
                        "The write-off policy cannot be saved; the previous version "
                        "stays in force. Problems found:\n%(problems)s",
                        problems="\n".join(f"- {p}" for p in error.problems),
                    )
                ) from error

    def _ar_parse_write_off_policy(self):
        """The parsed policy, validated against this database (groups, accounts)."""
        self.ensure_one()
        return parse_write_off_policy(
            self.ar_write_off_policy or "",
            known_groups=self._ar_check_policy_group,
            check_account=self._ar_check_policy_account,
        )

    def _ar_check_policy_group(self, xmlid):
        group = self.env.ref(xmlid, raise_if_not_found=False)
        if group is None:
            return _("no group with the XML id '%(xmlid)s'", xmlid=xmlid)
        if group._name != "res.groups":
            return _(
                "'%(xmlid)s' is a %(model)s, not a user group",
                xmlid=xmlid,
                model=group._name,
            )
        return None

    def _ar_find_account(self, code):
        self.ensure_one()
        Account = self.env["account.account"].sudo().with_company(self)
        return Account.search(
            [("code", "=", code), *Account._check_company_domain(self)], limit=1
        )

    def _ar_check_policy_account(self, code):
        account = self._ar_find_account(code)
        if not account:
            return _(
                "no account with code '%(code)s' in %(company)s",
                code=code,
                company=self.name,
            )
        if account.deprecated or account.account_type in (
            "asset_receivable",
            "liability_payable",
        ):
            return _(
                "account %(code)s cannot take write-offs (deprecated, receivable or "
                "payable)",
                code=code,
            )
        return None

    def _ar_bad_debt_account(self, policy):
        """The account bad-debt write-offs are posted to (policy, else setting)."""
        self.ensure_one()
        if policy.bad_debt_account:
            return self._ar_find_account(policy.bad_debt_account)
        return self.sudo().ar_bad_debt_account_id

    def _ar_reset_collection_schedule(self):
        """Ladders changed: all open invoices of these companies are looked at again."""
        if not self:
            return
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [("company_id", "in", self.ids), ("collection_next_date", "!=", False)]
                + self.env["account.move"]._ar_open_invoice_domain()
            )
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
                if Ladder.search_count(
                    [("company_id", "=", company.id), ("code", "=", code)]
                ):
                    continue
                ladder = Ladder.create(
                    {"yaml_source": source, "company_id": company.id}
                )
                if not company.ar_default_ladder_id:
                    company.sudo().ar_default_ladder_id = ladder

    def write(self, vals):
        result = super().write(vals)
        if "ar_default_ladder_id" in vals:
            self._ar_reset_collection_schedule()
        return result

    # Agency referral and legal escalation ----------------------------------------

    ar_default_agency_id = fields.Many2one(
        "res.partner",
        string="Default collection agency",
        domain="[('is_collection_agency', '=', True)]",
        help="The agency of ladder steps 'refer_to_agency: {agency: default}' and of "
        "the Refer to agency wizard.",
    )
    ar_agency_manager_id = fields.Many2one(
        "res.users",
        string="Confirms ladder referrals",
        help="Gets the to-do to confirm the draft referrals the ladder makes; empty: a "
        "collections manager of the company.",
    )
    ar_legal_user_id = fields.Many2one(
        "res.users",
        string="Legal responsible",
        help="Responsible for new legal cases (and their to-do); empty: who sends the "
        "case to legal.",
    )
    ar_agency_commission_account_id = fields.Many2one(
        "account.account",
        string="Agency commission account",
        domain="[('deprecated', '=', False), ('account_type', 'in', ('expense', "
        "'expense_direct_cost'))]",
        check_company=True,
        help="Expense account of the commission bills; empty: the purchase journal's "
        "default account.",
    )
