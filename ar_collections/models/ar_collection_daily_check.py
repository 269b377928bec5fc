from odoo import api, fields, models


class ArCollectionDailyCheck(models.AbstractModel):
    """The collector workbench's daily housekeeping, per company: new overdue
    customers get their collector (collector rules), open promises are found kept
    or broken, active payment plans completed or breached.

    It runs every morning (cron) and again at the start of every collections run
    (``ar.collection.run._before_company_run``), so that the ladder always decides
    on today's state of the cases.
    """

    _name = "ar.collection.daily.check"
    _description = "Collections daily checks"

    @api.model
    def _before_run(self, company, today):
        """Collector rules, then promises, then payment plans of ``company``."""
        self.env["ar.collector.rule"]._assign_collectors(company, today)
        self.env["ar.collection.promise"]._check_open_promises(company, today)
        self.env["ar.payment.plan"]._check_active_plans(company, today)

    @api.model
    def _cron_daily_checks(self):
        """Daily: the checks of every company, as of its today."""
        for company in self.env["res.company"].search([]):
            checks = self.with_company(company)
            checks._before_run(company, fields.Date.context_today(checks))
