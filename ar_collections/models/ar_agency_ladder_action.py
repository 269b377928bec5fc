from odoo import Command, _, api, models

from .ar_agency_referral import MANAGER_GROUP


class ArAgencyLadderAction(models.Model):
    """Ladder action ``refer_to_agency``."""

    _inherit = "ar.agency.referral"

    @api.model
    def _ar_ladder_action(self, customer_actions):
        """Ladder action ``refer_to_agency: {agency, confirm}``: a draft referral per
        customer for the invoices that took the step (sent at once with confirm)."""
        outcomes = {}
        taken = self._moves_in_referrals(
            self.env["account.move"].union(*(a.moves for a in customer_actions))
        )
        in_legal = (
            self.env["ar.legal.case"]
            .sudo()
            ._moves_in_cases(
                self.env["account.move"].union(*(a.moves for a in customer_actions))
            )
        )
        creating = []
        for customer_action in customer_actions:
            company = customer_action.ladder.company_id
            code = customer_action.action.params["agency"]
            agency = self.env["res.partner"]._ar_find_agency(code, company)
            if not agency:
                outcomes[customer_action] = {
                    "state": "failed",
                    "result": _(
                        "No collection agency '%(code)s' (agency: default needs a "
                        "default agency in the Collections settings)",
                        code=code,
                    ),
                }
                continue
            moves = customer_action.moves - taken - in_legal
            if not moves:
                outcomes[customer_action] = {
                    "state": "done",
                    "result": _("Already referred or with legal"),
                }
                continue
            creating.append((customer_action, agency, moves))
        referrals = self.create(
            [
                {
                    "company_id": customer_action.ladder.company_id.id,
                    "partner_id": customer_action.partner.id,
                    "agency_id": agency.id,
                    "move_ids": [Command.set(moves.ids)],
                    "note": _(
                        "Referred by the dunning ladder %(ladder)s, step %(step)s.",
                        ladder=customer_action.ladder.name,
                        step=customer_action.step.code,
                    ),
                }
                for customer_action, agency, moves in creating
            ]
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        to_confirm = []
        for (customer_action, agency, _moves), referral in zip(
            creating, referrals, strict=True
        ):
            if customer_action.action.params.get("confirm"):
                referral.action_send()
                result = _(
                    "Referral %(name)s sent to %(agency)s",
                    name=referral.name,
                    agency=agency.name,
                )
            else:
                to_confirm.append((customer_action, referral))
                result = _(
                    "Draft referral %(name)s to %(agency)s, to confirm",
                    name=referral.name,
                    agency=agency.name,
                )
            outcomes[customer_action] = {"state": "done", "result": result}
        model_id = self.env["ir.model"]._get_id(self._name)
        confirmers = {
            company: self._confirming_user(company) for company in referrals.company_id
        }
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": referral.id,
                    "activity_type_id": todo.id,
                    "summary": _("Confirm the agency referral"),
                    "date_deadline": customer_action.today,
                    "user_id": confirmers[referral.company_id].id,
                }
                for customer_action, referral in to_confirm
            ]
        )
        return outcomes

    @api.model
    def _confirming_user(self, company):
        """Who confirms ladder-made referrals: the default agency's responsible
        setting, else a collections manager of the company, else the current user."""
        if company.ar_agency_manager_id:
            return company.ar_agency_manager_id
        manager = self.env["res.users"].search(
            [
                ("groups_id", "in", self.env.ref(MANAGER_GROUP).id),
                ("company_ids", "in", company.id),
                ("share", "=", False),
                ("id", "!=", self.env.ref("base.user_root").id),
            ],
            order="id",
            limit=1,
        )
        return manager or self.env.user
