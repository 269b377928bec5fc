import hashlib
import logging
from collections import Counter

from odoo import _, api, fields, models

from odoo.addons.ar_collections.models.ar_collection_run import _RunJob
from odoo.addons.queue_job.exception import RetryableJobError

_logger = logging.getLogger(__name__)

DISPATCH_PARAM = "ar_collections_queue.dispatch"
# set by the scheduled run only (ar.dunning.ladder._cron_run_collections): where the
# batches run, nothing it unlocks; run_collections() stays synchronous for its callers
CRON_FLAG = "ar_collections_queue_scheduled_run"
DISPATCH_MODES = ("queue", "in_process")
MAX_RETRIES = 5


class ArCollectionRun(models.AbstractModel):
    """The daily run's batches as queue_job jobs.

    The scheduled run (the cron, which "Run now" triggers) does what it does
    in-process up to the batches (the company's housekeeping, the due customers,
    cut in batches); then each batch of customers becomes one job, run by the job
    runner of any Odoo server of the database. A job
    re-creates the company's ``_RunJob`` as of the run's date and runs its batch in
    one transaction. A failing batch is rolled back and retried by queue_job; on its
    last attempt the failure is logged on the ladders as in-process, and the next
    daily run takes the batch again. The unique event index keeps a step from being
    recorded (and sent) twice, however often a job runs. ``run_collections()``
    (RPC, scripts), the preview and dry runs stay synchronous.
    """

    _inherit = "ar.collection.run"

    @api.model
    def _ar_dispatch_batches(self, job, batches, counts, proposals):
        if (
            job.dry_run
            or job.only_ladders
            or not self.env.context.get(CRON_FLAG)
            or not self._ar_queue_enabled()
        ):
            return super()._ar_dispatch_batches(job, batches, counts, proposals)
        for batch in batches:
            self._ar_enqueue_batch(job.company, job.today, batch)
        counts["batches_queued"] += len(batches)

    @api.model
    def _ar_queue_enabled(self):
        """Batches go to the queue, unless the system parameter
        ``ar_collections_queue.dispatch`` says ``in_process``; unset, they run
        in-process in Odoo's tests (whose assertions expect the run's effects at
        once) and go to the queue everywhere else."""
        mode = (
            self.env["ir.config_parameter"].sudo().get_param(DISPATCH_PARAM) or ""
        ).strip()
        if mode and mode not in DISPATCH_MODES:
            _logger.warning(
                "System parameter %s is %r; expected one of %s; using the default",
                DISPATCH_PARAM,
                mode,
                ", ".join(DISPATCH_MODES),
            )
            mode = ""
        if mode:
            return mode == "queue"
        return not self._in_test()

    @api.model
    def _ar_batch_identity_key(self, company, today, partner_ids):
        """One key per company, date and batch of customers: a batch enqueued
        twice while its job waits is one job."""
        ids = sorted(partner_ids)
        digest = hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()[:16]
        return (
            f"ar_collections.run:{company.id}:{fields.Date.to_string(today)}:"
            f"{ids[0]}-{ids[-1]}:{len(ids)}:{digest}"
        )

    @api.model
    def _ar_enqueue_batch(self, company, today, partner_ids):
        ids = sorted(partner_ids)
        return self.with_delay(
            max_retries=MAX_RETRIES,
            identity_key=self._ar_batch_identity_key(company, today, ids),
            description=_(
                "Collections run of %(date)s, %(company)s: %(count)s customer(s), "
                "ids %(first)s to %(last)s",
                date=fields.Date.to_string(today),
                company=company.name,
                count=len(ids),
                first=ids[0],
                last=ids[-1],
            ),
        )._ar_run_queued_batch(company, fields.Date.to_string(today), ids)

    @api.model
    def _ar_run_queued_batch(self, company, today, partner_ids):
        """Job: one batch of customers of one company's run as of ``today``.

        :return: the batch's counts (the job's result)
        """
        today = fields.Date.to_date(today)
        run = self.with_company(company)
        ladders = run.env["ar.dunning.ladder"].search(
            [("company_id", "=", company.id)], order="sequence, id"
        )
        counts = Counter()
        if not ladders:
            return {}
        job = _RunJob(run, company, ladders, today, False, None)
        if run._ar_last_attempt():
            run._run_batch_safely(job, list(partner_ids), counts, [])
            return dict(counts)
        try:
            with run.env.cr.savepoint():
                run._run_batch(job, list(partner_ids), counts, [])
        except Exception as error:
            raise RetryableJobError(
                _(
                    "Collections run of %(date)s, %(company)s: the batch of "
                    "%(count)s customer(s) failed and was rolled back; it is "
                    "retried. Error: %(error)s",
                    date=fields.Date.to_string(today),
                    company=company.name,
                    count=len(partner_ids),
                    error=str(error) or type(error).__name__,
                )
            ) from error
        return dict(counts)

    @api.model
    def _ar_last_attempt(self):
        """True unless this is a queued job that queue_job will retry on failure
        (called outside a job, the batch runs as it does in-process)."""
        uuid = self.env.context.get("job_uuid")
        if not uuid:
            return True
        stored = self.env["queue.job"].sudo().search([("uuid", "=", uuid)], limit=1)
        if not stored:
            return True
        # queue_job counts this attempt only once it is over
        return bool(stored.max_retries) and stored.retry + 1 >= stored.max_retries
