import contextlib
import contextvars

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Set by the charges' posting only (``_ar_posting_charges``): a context variable is
# local to the thread and no RPC argument, import or context key reaches it.
_POSTING_CHARGES = contextvars.ContextVar(
    "ar_collections_posting_charges", default=False
)


class AccountMove(models.Model):
    """Invoices carry their late-payment charges; the charge documents say so.

    ``ar_is_charge`` exempts an invoice from interest and fees on it and lets it be
    posted for a customer on credit hold (it sells nothing): only the charges'
    own posting sets it, for every caller (RPC, import, sudo()).
    """

    _inherit = "account.move"

    ar_is_charge = fields.Boolean(
        string="Charge document",
        readonly=True,
        copy=False,
        index=True,
        help="This invoice carries late-payment fees or interest posted by the "
        "collections run: no interest or fee is charged on it in turn.",
    )
    ar_charge_ids = fields.One2many(
        "ar.collection.charge",
        "move_id",
        string="Late-payment charges",
        help="The fees and interest charged on this invoice.",
    )

    @api.model
    @contextlib.contextmanager
    def _ar_posting_charges(self):
        token = _POSTING_CHARGES.set(True)
        try:
            yield
        finally:
            _POSTING_CHARGES.reset(token)

    def _ar_check_charge_flag(self, vals):
        if "ar_is_charge" in vals and not _POSTING_CHARGES.get():
            raise UserError(
                _(
                    "Only the collections run marks an invoice as carrying "
                    "late-payment charges."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._ar_check_charge_flag(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._ar_check_charge_flag(vals)
        return super().write(vals)

    def _ar_check_credit_hold(self, vals, log_override=True):
        """A charge document passes a credit hold: it bills what is owed already."""
        others = self.filtered(lambda move: not move.ar_is_charge)
        return super(AccountMove, others)._ar_check_credit_hold(
            vals, log_override=log_override
        )
