"""Reference rates for late-payment interest: data the user sees and extends.

One record per index and half-year: the rate (percent a year) in force on the
1 January or 1 July it starts from, with the official source it was taken from.
The pure interest arithmetic (``ladder.interest``) reads them as ``RatePeriod``
(``_ar_rates``); ``_ar_missing_rates`` names the indexes the half-year in force
has no rate for (the settings page and the run warn about them).
"""

from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..ladder.interest import RatePeriod, half_year_start

INDEX_SELECTION = [
    ("ecb_mro", "ECB main refinancing rate"),
    ("riksbank_ref", "Riksbank reference rate"),
    ("no_late_interest", "Norway late-payment interest (forsinkelsesrente)"),
]


class ArReferenceRate(models.Model):
    _name = "ar.reference.rate"
    _description = "Reference rate for late-payment interest"
    _order = "index, date_from desc"

    index = fields.Selection(INDEX_SELECTION, required=True)
    date_from = fields.Date(
        "Applies from",
        required=True,
        help="The 1 January or 1 July that starts the half-year this rate is for.",
    )
    rate = fields.Float(
        "Rate (%)",
        digits=(16, 4),
        required=True,
        help="Percent a year, as published (Norway: the late-payment rate itself, "
        "margin included).",
    )
    source_url = fields.Char(
        "Source", help="The official publication this figure is taken from."
    )
    note = fields.Char()

    _sql_constraints = [
        (
            "index_date_unique",
            "unique(index, date_from)",
            "There is already a rate of this index for this half-year.",
        ),
    ]

    @api.depends("index", "date_from", "rate")
    def _compute_display_name(self):
        labels = dict(self._fields["index"]._description_selection(self.env))
        for record in self:
            record.display_name = (
                f"{labels.get(record.index, record.index or '')} "
                f"{record.date_from or ''}: {record.rate:g}%"
            )

    @api.constrains("date_from")
    def _check_date_from(self):
        for record in self:
            start = record.date_from
            if start and (start.month, start.day) not in ((1, 1), (7, 1)):
                raise ValidationError(
                    _(
                        "A reference rate applies from 1 January or 1 July (the start "
                        "of its half-year), not from %(date)s.",
                        date=record.date_from,
                    )
                )

    @api.constrains("rate")
    def _check_rate(self):
        for record in self:
            if not -100 < record.rate < 100:
                raise ValidationError(
                    _(
                        "A reference rate is a percentage a year between -100 and "
                        "100; %(rate)s is not.",
                        rate=record.rate,
                    )
                )

    @api.model
    def _ar_rates(self, index=None):
        """The rates of ``index`` (every index when None) as ``RatePeriod``, for
        ``ladder.interest.accrue_interest``. The float is read back through its
        text, so 4.5 is ``Decimal('4.5')``."""
        domain = [("index", "=", index)] if index else []
        records = self.sudo().search_fetch(domain, ["index", "date_from", "rate"])
        return [
            RatePeriod(record.index, record.date_from, Decimal(repr(record.rate)))
            for record in records
        ]

    @api.model
    def _ar_missing_rates(self, today=None):
        """The indexes (codes) with no rate for the half-year in force on
        ``today`` (default: today), in ``INDEX_SELECTION`` order."""
        today = today or fields.Date.context_today(self)
        start = half_year_start(fields.Date.to_date(today))
        found = set(
            self.sudo()
            .search_fetch([("date_from", "=", start)], ["index"])
            .mapped("index")
        )
        return [code for code, _label in INDEX_SELECTION if code not in found]
