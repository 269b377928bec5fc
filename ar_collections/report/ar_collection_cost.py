from odoo import fields, models
from odoo.tools import SQL


class ArCollectionCost(models.Model):
    """What collecting costs, per customer and company, next to what the customer's
    invoices earn: the question "is this customer still worth keeping?".

    Costs (company currency): reminder e-mails and letters sent (notices not cancelled
    or failed) and calls logged, each at the unit cost of the collections settings;
    agency commission on the customer's referrals; late-payment fees and interest
    waived; amounts written off (posted write-offs). Earnings: net invoiced (customer
    invoices less credit notes, untaxed, without the charge documents and the credit
    notes of write-offs, which are counted above) and, where the products have a cost
    price, the gross margin at cost price. All time, computed when read. Each source is
    one subquery of ``_ar_cost_sources``, so a capability can add its own.
    """

    _name = "ar.collection.cost"
    _description = "Cost of collecting per customer"
    _auto = False
    _order = "margin_after_collection, collection_cost desc, partner_id"
    _rec_name = "partner_id"
    _depends = {
        "ar.collection.notice": ["partner_id", "company_id", "channel", "state"],
        "ar.collection.contact": ["partner_id", "company_id", "channel"],
        "ar.agency.referral": ["partner_id", "company_id", "commission_amount"],
        "ar.write.off.request": [
            "partner_id",
            "company_id",
            "state",
            "amount",
            "write_off_move_ids",
        ],
        "ar.collection.charge": ["partner_id", "company_id", "state", "amount_company"],
        "account.move": [
            "commercial_partner_id",
            "company_id",
            "move_type",
            "state",
            "ar_is_charge",
        ],
        "account.move.line": [
            "move_id",
            "balance",
            "quantity",
            "product_id",
            "display_type",
        ],
        "product.product": ["standard_price"],
        "res.company": ["ar_cost_email", "ar_cost_letter", "ar_cost_call"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    email_count = fields.Integer(string="E-mails", readonly=True)
    letter_count = fields.Integer(string="Letters", readonly=True)
    call_count = fields.Integer(string="Calls", readonly=True)
    contact_cost = fields.Monetary(
        string="Contacts cost",
        readonly=True,
        help="E-mails, letters and calls at the unit costs of the collections "
        "settings.",
    )
    agency_commission = fields.Monetary(readonly=True)
    fees_waived = fields.Monetary(readonly=True)
    written_off = fields.Monetary(readonly=True)
    collection_cost = fields.Monetary(
        string="Cost of collecting",
        readonly=True,
        help="Contacts cost + agency commission + fees waived + written off.",
    )
    invoiced = fields.Monetary(
        string="Net invoiced", readonly=True, help="Untaxed, less credit notes."
    )
    gross_margin = fields.Monetary(
        readonly=True,
        help="Net invoiced less the cost price of the products sold; empty when no "
        "product invoiced has a cost price.",
    )
    margin_after_collection = fields.Monetary(
        readonly=True,
        help="Gross margin (else net invoiced) less the cost of collecting.",
    )
    cost_share = fields.Float(
        string="Cost / margin (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Cost of collecting as a percentage of the gross margin (else of the "
        "net invoiced); empty when that is zero or less.",
    )

    def _ar_cost_sources(self):
        """Subqueries of rows (partner_id, company_id, emails, letters, calls,
        commission, waived, written_off, invoiced, cost_of_sales, has_cost)."""
        return [
            SQL(
                """
                SELECT n.partner_id, n.company_id,
                       COUNT(*) FILTER (WHERE n.channel = 'email'),
                       COUNT(*) FILTER (WHERE n.channel = 'letter'),
                       0, 0, 0, 0, 0, 0, FALSE
                  FROM ar_collection_notice n
                 WHERE n.state NOT IN ('cancelled', 'failed')
                 GROUP BY n.partner_id, n.company_id
                """
            ),
            SQL(
                """
                SELECT p.commercial_partner_id, c.company_id, 0, 0, COUNT(*),
                       0, 0, 0, 0, 0, FALSE
                  FROM ar_collection_contact c
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.channel = 'call'
                 GROUP BY p.commercial_partner_id, c.company_id
                """
            ),
            SQL(
                """
                SELECT r.partner_id, r.company_id, 0, 0, 0,
                       SUM(COALESCE(r.commission_amount, 0)), 0, 0, 0, 0, FALSE
                  FROM ar_agency_referral r
                 GROUP BY r.partner_id, r.company_id
                """
            ),
            SQL(
                """
                SELECT w.partner_id, w.company_id, 0, 0, 0, 0, 0,
                       SUM(w.amount), 0, 0, FALSE
                  FROM ar_write_off_request w
                 WHERE w.state = 'posted'
                 GROUP BY w.partner_id, w.company_id
                """
            ),
            SQL(
                """
                SELECT ch.partner_id, ch.company_id, 0, 0, 0, 0,
                       SUM(ch.amount_company), 0, 0, 0, FALSE
                  FROM ar_collection_charge ch
                 WHERE ch.state = 'waived'
                 GROUP BY ch.partner_id, ch.company_id
                """
            ),
            SQL(
                """
                SELECT am.commercial_partner_id, am.company_id, 0, 0, 0, 0, 0, 0,
                       -SUM(aml.balance),
                       SUM(CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
                           * aml.quantity
                           * COALESCE((pp.standard_price ->> am.company_id::text)
                                      ::numeric, 0)),
                       BOOL_OR(COALESCE((pp.standard_price ->> am.company_id::text)
                                        ::numeric, 0) > 0)
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  LEFT JOIN product_product pp ON pp.id = aml.product_id
                 WHERE am.move_type IN ('out_invoice', 'out_refund')
                   AND am.state = 'posted'
                   AND aml.display_type = 'product'
                   -- charge documents (fees, interest, their waivers) are not sales
                   AND am.ar_is_charge IS NOT TRUE
                   -- a write-off posted as a credit note counts as written off
                   AND NOT EXISTS (SELECT 1 FROM ar_write_off_request_entry_rel e
                                    WHERE e.move_id = am.id)
                 GROUP BY am.commercial_partner_id, am.company_id
                """
            ),
        ]

    @property
    def _table_query(self):
        sources = SQL(" UNION ALL ").join(self._ar_cost_sources())
        return SQL(
            """
            WITH source (partner_id, company_id, emails, letters, calls, commission,
                         waived, written_off, invoiced, cost_of_sales, has_cost) AS (
                %(sources)s
            ),
            total AS (
                SELECT s.partner_id, s.company_id,
                       SUM(s.emails) AS emails, SUM(s.letters) AS letters,
                       SUM(s.calls) AS calls, SUM(s.commission) AS commission,
                       SUM(s.waived) AS waived, SUM(s.written_off) AS written_off,
                       SUM(s.invoiced) AS invoiced,
                       SUM(s.cost_of_sales) AS cost_of_sales,
                       BOOL_OR(s.has_cost) AS has_cost
                  FROM source s
                 WHERE s.partner_id IS NOT NULL
                 GROUP BY s.partner_id, s.company_id
            ),
            costed AS (
                SELECT t.*, co.currency_id,
                       t.emails * COALESCE(co.ar_cost_email, 0)
                       + t.letters * COALESCE(co.ar_cost_letter, 0)
                       + t.calls * COALESCE(co.ar_cost_call, 0) AS contact_cost,
                       CASE WHEN t.has_cost THEN t.invoiced - t.cost_of_sales END
                           AS gross_margin
                  FROM total t
                  JOIN res_company co ON co.id = t.company_id
            ),
            summed AS (
                SELECT c.*,
                       c.contact_cost + c.commission + c.waived + c.written_off
                           AS collection_cost,
                       COALESCE(c.gross_margin, c.invoiced) AS earned
                  FROM costed c
            )
            -- one row per customer and company: a stable id from both
            SELECT s.partner_id::bigint * 10000 + s.company_id AS id,
                   s.partner_id, s.company_id, s.currency_id,
                   s.emails::int AS email_count, s.letters::int AS letter_count,
                   s.calls::int AS call_count, s.contact_cost,
                   s.commission AS agency_commission, s.waived AS fees_waived,
                   s.written_off, s.collection_cost, s.invoiced, s.gross_margin,
                   s.earned - s.collection_cost AS margin_after_collection,
                   CASE WHEN s.earned > 0
                        THEN ROUND((100.0 * s.collection_cost / s.earned)::numeric, 1)
                   END AS cost_share
              FROM summed s
            """,
            sources=sources,
        )
