from odoo import api, fields, models
from odoo.tools import SQL


class ResCurrency(models.Model):
    _inherit = "res.currency"

    @api.model
    def _ar_rate_table(self, companies, alias="ar_rate"):
        """SQL of a table ``alias(company_id, rate)`` to join on a company: the factor
        that turns an amount in the currency of each of ``companies`` into the
        current company's currency, at today's rate (1 for the same currency).

        What Odoo's reports do with ``_get_simple_currency_table``, as a list of
        values rather than a temporary table, so that it also reads on a read-only
        cursor (a replica, ``@api.readonly`` routes).
        """
        target = self.env.company.currency_id
        today = fields.Date.context_today(self)
        rates = {}
        rows = []
        for company in companies:
            source = company.currency_id
            if source not in rates:
                rates[source] = (
                    1.0
                    if source == target
                    else self._get_conversion_rate(
                        source, target, self.env.company, today
                    )
                )
            rows.append(SQL("(%s, %s::numeric)", company.id, rates[source]))
        return SQL(
            "(VALUES %s) AS %s(company_id, rate)",
            SQL(", ").join(rows),
            SQL.identifier(alias),
        )

    @api.model
    def _ar_converted_sum(self, amounts):
        """The sum of ``amounts`` (pairs of currency and amount) in the current
        company's currency, at today's rate: what the overview shows of documents
        (promises, instalments, disputes) that may be in several currencies."""
        target = self.env.company.currency_id
        today = fields.Date.context_today(self)
        total = 0.0
        for currency, amount in amounts:
            if amount and currency and currency != target:
                amount = currency._convert(
                    amount, target, self.env.company, today, round=False
                )
            total += amount or 0.0
        return target.round(total)
