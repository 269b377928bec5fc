from odoo import api, models

from .ar_collection_run import CRON_FLAG


class ArDunningLadder(models.Model):
    _inherit = "ar.dunning.ladder"

    @api.model
    def _cron_run_collections(self):
        """The scheduled run hands its batches to the job queue."""
        return super(
            ArDunningLadder, self.with_context(**{CRON_FLAG: True})
        )._cron_run_collections()
