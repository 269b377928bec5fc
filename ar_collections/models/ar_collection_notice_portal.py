from odoo import models


class ArCollectionNoticePortal(models.Model):
    """The notice's signed link: ``get_portal_url()`` opens the customer's page
    "Your overdue invoices" (``/my/collections/<notice id>?access_token=...``),
    served by ``controllers/portal.py``."""

    _name = "ar.collection.notice"
    _inherit = ["ar.collection.notice", "portal.mixin"]

    def _compute_access_url(self):
        super()._compute_access_url()
        for notice in self:
            notice.access_url = f"/my/collections/{notice.id}"
