from odoo import api, fields, models
from odoo.tools import SQL


class ResCurrency(models.Model):
    _inherit = "res.currency"

    @api.model
    def _ar_rates_to_current(self, currencies):
        """{currency: factor} that turns an amount in each of ``currencies`` into
        the current company's currency at today's rate (1 for the same currency):
        Odoo's ``inverse_rate`` (what ``_get_conversion_rate`` reads), computed for
        all of them with one rate query."""
        target = self.env.company.currency_id
        priced = (
            self.browse([currency.id for currency in currencies])
            .with_company(self.env.company)
            .with_context(
                to_currency=target.id, date=str(fields.Date.context_today(self))
            )
        )
        return {
            currency: 1.0 if currency == target else currency.inverse_rate
            for currency in priced
        }

    @api.model
    def _ar_currencies_without_rate(self, currencies):
        """Those of ``currencies`` (other than the current company's) that have no
        rate at all for the current company. Odoo converts them at 1, which is
        right only by chance: the overview says so rather than add them silently."""
        others = self.browse([currency.id for currency in currencies]) - (
            self.env.company.currency_id
        )
        if not others:
            return others
        rated = self.env["res.currency.rate"]._read_group(
            [
                ("currency_id", "in", others.ids),
                ("company_id", "in", (False, self.env.company.root_id.id)),
            ],
            ["currency_id"],
        )
        return others - self.browse([currency.id for (currency,) in rated])

    @api.model
    def _ar_rate_table(self, companies, alias="ar_rate"):
        """SQL of a table ``alias(company_id, rate)`` to join on a company: the factor
        that turns an amount in the currency of each of ``companies`` into the
        current company's currency, at today's rate.

        What Odoo's reports do with ``_get_simple_currency_table``, as a list of
        values rather than a temporary table, so that it also reads on a read-only
        cursor (a replica, ``@api.readonly`` routes).
        """
        rates = self._ar_rates_to_current(companies.currency_id)
        rows = [
            SQL("(%s, %s::numeric)", company.id, rates[company.currency_id])
            for company in companies
        ]
        return SQL(
            "(VALUES %s) AS %s(company_id, rate)",
            SQL(", ").join(rows),
            SQL.identifier(alias),
        )

    @api.model
    def _ar_converted_sum(self, amounts):
        """The sum of ``amounts`` (pairs of currency and amount) in the current
        company's currency, at today's rate: what the overview shows of documents
        (promises, instalments, disputes) that may be in several currencies. An
        amount without a currency counts as is."""
        target = self.env.company.currency_id
        amounts = [(currency or target, amount or 0.0) for currency, amount in amounts]
        rates = self._ar_rates_to_current({currency for currency, _a in amounts})
        return target.round(
            sum(amount * rates[currency] for currency, amount in amounts)
        )
