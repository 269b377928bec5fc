from odoo import _, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """A quotation of a customer on credit hold paid online is not confirmed.

        The payment goes through as usual (the post-processing does not fail, so it is
        not retried); the order waits for a person (see
        ``sale.order._ar_defer_confirmation``).
        """
        waiting = self.browse()
        for tx in self:
            if len(tx.sale_order_ids) != 1:
                continue
            quotation = tx.sale_order_ids.filtered(
                lambda order: order.state in ("draft", "sent")
            )
            if not quotation or not quotation._is_confirmation_amount_reached():
                continue
            blocked = quotation._ar_credit_hold_blocked()
            if blocked:
                quotation._ar_defer_confirmation(
                    blocked,
                    _("paid online, transaction %(reference)s", reference=tx.reference),
                )
                waiting |= tx
        return super(
            PaymentTransaction, self - waiting
        )._check_amount_and_confirm_order()
