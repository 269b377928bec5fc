from odoo import _, api, models
from odoo.exceptions import UserError

MAY_SET_GROUPS = (
    "ar_collections.group_new_customer_terms",
    "ar_collections.group_collections_manager",
)


class ArNewCustomerTermsMixin(models.AbstractModel):
    """Short payment terms for new customers (no paid invoice yet): the company's
    ``ar_new_customer_payment_term_id`` on their new documents (customer invoices,
    quotations), which only users of "May set payment terms for new customers" or
    collections managers may replace.

    The document model says which field holds the term (``_ar_terms_field``),
    which the customer (``_ar_terms_partner_field``) and when a record is still
    open to the rule (``_ar_terms_record_applies``).
    The rule holds in ``create()`` and ``write()``, for every caller; the default
    computation of the term gives it too, so that forms show it.
    """

    _name = "ar.new.customer.terms.mixin"
    _description = "Payment terms for new customers"

    _ar_terms_field = None
    _ar_terms_partner_field = "partner_id"

    # Hooks -------------------------------------------------------------------------

    def _ar_terms_record_applies(self):
        """Whether this document (one record) is still under the rule."""
        return False

    # The rule ----------------------------------------------------------------------

    @api.model
    def _ar_terms_may_choose(self):
        user = self.env.user
        return any(user.has_group(xmlid) for xmlid in MAY_SET_GROUPS)

    @api.model
    def _ar_new_customer_ids(self, partners, company):
        """Ids of the commercial partners of ``partners`` with no paid customer
        invoice in ``company``."""
        commercial = partners.commercial_partner_id
        if not commercial:
            return set()
        paid = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("paid", "in_payment")),
                    ("commercial_partner_id", "in", commercial.ids),
                    ("company_id", "=", company.id),
                ],
                ["commercial_partner_id"],
            )
        )
        paid_ids = {partner.id for (partner,) in paid}
        return set(commercial.ids) - paid_ids

    def _ar_required_terms(self):
        """{record: payment term} of the records the rule gives a term to now."""
        records = self.filtered(lambda r: r._ar_terms_record_applies())
        required = {}
        for company in records.company_id:
            term = company.sudo().ar_new_customer_payment_term_id
            if not term:
                continue
            mine = records.filtered(lambda r, c=company: r.company_id == c)
            new = self._ar_new_customer_ids(mine[self._ar_terms_partner_field], company)
            for record in mine:
                partner = record[self._ar_terms_partner_field].commercial_partner_id
                if partner.id in new:
                    required[record] = term
        return required

    def _ar_apply_new_customer_terms(self):
        """The default term: the company's for new customers (computes call it)."""
        for record, term in self._ar_required_terms().items():
            record[self._ar_terms_field] = term

    @api.model_create_multi
    def create(self, vals_list):
        may_choose = self._ar_terms_may_choose()
        records = super().create(vals_list)
        chosen = records.browse(
            record.id
            for record, vals in zip(records, vals_list, strict=True)
            if may_choose and vals.get(self._ar_terms_field)
        )
        (records - chosen)._ar_enforce_new_customer_terms()
        return records

    def write(self, vals):
        field = self._ar_terms_field
        if field in vals and not self._ar_terms_may_choose():
            wanted = vals[field] or False
            refused = [
                record
                for record, term in self._ar_required_terms().items()
                if term.id != wanted
                and not (
                    self._ar_terms_partner_field in vals
                    and record[self._ar_terms_partner_field].id
                    != vals[self._ar_terms_partner_field]
                )
            ]
            if refused:
                raise UserError(
                    _(
                        "%(records)s: a new customer (no paid invoice yet) gets the "
                        "payment term %(term)s; only users of 'May set payment terms "
                        "for new customers' or collections managers may give another.",
                        records=", ".join(r.display_name for r in refused),
                        term=self._ar_required_terms()[refused[0]].display_name,
                    )
                )
        result = super().write(vals)
        if self._ar_terms_partner_field in vals and not (
            field in vals and self._ar_terms_may_choose()
        ):
            self._ar_enforce_new_customer_terms()
        return result

    def _ar_enforce_new_customer_terms(self):
        """Give the required term to the records that do not have it."""
        field = self._ar_terms_field
        wrong = {
            record: term
            for record, term in self._ar_required_terms().items()
            if record[field] != term
        }
        for term in set(wrong.values()):
            records = self.browse(r.id for r, t in wrong.items() if t == term)
            records.write({field: term.id})
