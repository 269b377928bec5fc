"""Events of cases get an origin instead of invented step indexes.

Before 18.0.1.1.0, referral, legal-case and write-off events slipped past the unique
index of ladder steps with a negative ``action_index`` (minus the case id, or -1).
They now say where they come from (``origin``, ``origin_model``,
``origin_res_id``) and the index covers ladder steps only.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    for origin, model, steps in (
        ("referral", "ar.agency.referral", ("agency_referral", "agency_recall")),
        ("legal", "ar.legal.case", ("legal_case",)),
    ):
        cr.execute(
            """
            UPDATE ar_collection_event
               SET origin = %s,
                   origin_model = %s,
                   origin_res_id = -action_index,
                   action_index = 0
             WHERE step_code IN %s AND action_index < 0
            """,
            (origin, model, steps),
        )
    cr.execute(
        """
        UPDATE ar_collection_event event
           SET origin = 'write_off',
               origin_model = 'ar.write.off.request',
               origin_res_id = (
                   SELECT max(rel.request_id)
                     FROM ar_write_off_request_move_rel rel
                    WHERE rel.move_id = event.move_id
               ),
               action_index = 0
         WHERE event.step_code = 'write_off' AND event.action_index = -1
        """
    )
    # The workbench's daily checks left the worklist for their own model (the cron
    # record is noupdate: point it there).
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref(
        "ar_collections.ir_cron_workbench_daily_checks", raise_if_not_found=False
    )
    if cron:
        cron.model_id = env["ir.model"]._get("ar.collection.daily.check")
