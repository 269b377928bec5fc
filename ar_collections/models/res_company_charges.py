from odoo import Command, _, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    """Where late-payment charges are posted, and who may waive them."""

    _inherit = "res.company"

    ar_charge_journal_id = fields.Many2one(
        "account.journal",
        string="Journal of late-payment charges",
        domain="[('type', '=', 'sale')]",
        check_company=True,
        help="The sales journal the fee and interest invoices are posted in "
        "(default: the first sales journal).",
    )
    ar_fee_product_id = fields.Many2one(
        "product.product",
        string="Fee product",
        help="Product of the recovery fee lines ",
    )
    ar_interest_product_id = fields.Many2one(
        "product.product",
        string="Interest product",
        help="Product of the late-payment interest lines (default: 'Late-payment "
        "interest', no taxes).",
    )
    ar_fee_account_id = fields.Many2one(
        "account.account",
        string="Fee income account",
        check_company=True,
        help="Income account of fee lines (default: the product's, then the "
        "journal's).",
    )
    ar_interest_account_id = fields.Many2one(
        "account.account",
        string="Interest income account",
        check_company=True,
        help="Income account of interest lines (default: the product's, then the "
        "journal's).",
    )
    ar_charge_document = fields.Selection(
        [
            ("invoice", "One invoice per customer"),
            ("debit_note", "A debit note on each late invoice"),
        ],
        string="Charges posted as",
        default="invoice",
        required=True,
        help="One invoice per customer and currency per run, a line per late "
        "invoice; or a debit note on each late invoice (linked to it as its debit "
        "origin when the Debit Notes module, account_debit_note, is installed).",
    )
    ar_charge_taxes = fields.Boolean(
        string="Charges bear the products' taxes",
        help="Off (the default): fees and interest are posted outside the scope of "
        "VAT, without taxes. On: the fee and interest products' sales taxes apply.",
    )
    ar_charge_waiver_limit = fields.Monetary(
        string="Waiver without approval up to",
        currency_field="currency_id",
        default=50.0,
        help="A collector's waiver of a charge of at most this amount (company "
        "currency) takes effect at once; above it a collections manager approves.",
    )

    def _ar_charge_journal(self):
        self.ensure_one()
        journal = self.ar_charge_journal_id or self.env["account.journal"].search(
            [
                ("type", "=", "sale"),
                *self.env["account.journal"]._check_company_domain(self),
            ],
            limit=1,
        )
        if not journal:
            raise UserError(
                _(
                    "%(company)s has no sales journal to post late-payment charges in.",
                    company=self.name,
                )
            )
        return journal

    def _ar_charge_product(self, kind):
        """The product of a charge line of ``kind`` (fee or interest): the
        company's, else the shipped one (a service without taxes, created the
        first time it is needed, when every installed module's fields are known)."""
        self.ensure_one()
        product = (
            self.ar_interest_product_id
            if kind == "interest"
            else (self.ar_fee_product_id)
        )
        return product or self._ar_shipped_charge_product(kind)

    def _ar_shipped_charge_product(self, kind):
        name = f"product_late_payment_{kind}"
        product = self.env.ref(f"ar_collections.{name}", raise_if_not_found=False)
        if product:
            return product
        label = (
            _("Late-payment interest")
            if kind == "interest"
            else _("Late-payment recovery fee")
        )
        product = (
            self.env["product.product"]
            .sudo()
            .create(
                {
                    "name": label,
                    "default_code": f"AR-{kind.upper()}",
                    "type": "service",
                    "list_price": 0.0,
                    "sale_ok": True,
                    "purchase_ok": False,
                    "taxes_id": [Command.clear()],
                    "supplier_taxes_id": [Command.clear()],
                    "company_id": False,
                }
            )
        )
        self.env["ir.model.data"].sudo().create(
            {
                "module": "ar_collections",
                "name": name,
                "model": "product.product",
                "res_id": product.id,
                "noupdate": True,
            }
        )
        return product

    def _ar_charge_account(self, kind, product, journal):
        self.ensure_one()
        account = (
            self.ar_interest_account_id
            if kind == "interest"
            else self.ar_fee_account_id
        )
        if account:
            return account
        accounts = product.product_tmpl_id.with_company(self).get_product_accounts()
        return accounts.get("income") or journal.default_account_id
