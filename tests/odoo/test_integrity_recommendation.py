"""Credit-limit recommendations: no context key or sudo() write moves the
workflow, and the requester is whoever submits (issues 9.2 and 9.4)."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CollectionsCase

CONTROL = "ar_collections.group_credit_control"


@tagged("post_install", "-at_install")
class TestRecommendationIntegrity(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Recommendation = cls.env["ar.credit.recommendation"]
        cls.controller = new_test_user(
            cls.env,
            login="integrity_controller",
            name="Carl Control",
            groups=CONTROL,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.collector_in_control = new_test_user(
            cls.env,
            login="integrity_collector_control",
            name="Cora Both",
            groups=f"ar_collections.group_collections_user,{CONTROL}",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.company.account_use_credit_limit = False

    def draft(self, user=None, **values):
        return (
            self.Recommendation.with_user(user or self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "new_limit": 5000.0,
                    "reason": "Pays 60 days late",
                }
                | values
            )
            .with_env(self.env)
        )

    def test_no_context_key_unlocks_the_state(self):
        recommendation = self.draft(user=self.collector_in_control)
        recommendation.with_user(self.collector_in_control).action_submit()
        for key in ("ar_recommendation_transition", "ar_collections_workflow_write"):
            forging = recommendation.with_user(self.collector_in_control).with_context(
                **{key: True}
            )
            for vals in (
                {"state": "approved"},
                {"decided_by_id": self.controller.id},
                {"decision_date": "2026-01-01"},
                {"previous_limit": 1.0},
            ):
                with self.assertRaises(UserError):
                    forging.write(vals)
        self.assertEqual(recommendation.state, "submitted")
        self.assertFalse(recommendation.decided_by_id)

    def test_sudo_write_cannot_decide_either(self):
        recommendation = self.draft()
        recommendation.with_user(self.collector).action_submit()
        with self.assertRaises(UserError):
            recommendation.sudo().write({"state": "approved"})
        with self.assertRaises(UserError):
            recommendation.sudo().write({"requested_by_id": self.controller.id})
        self.assertEqual(recommendation.state, "submitted")

    def test_create_cannot_start_decided(self):
        with self.assertRaises(UserError):
            self.draft(state="approved")
        with self.assertRaises(UserError):
            self.draft(decided_by_id=self.controller.id)

    def test_requester_given_at_creation_is_not_kept(self):
        # Cora (credit control) names a collector as requester to approve alone.
        recommendation = self.draft(
            user=self.collector_in_control, requested_by_id=self.collector.id
        )
        self.assertEqual(recommendation.requested_by_id, self.collector_in_control)
        recommendation.with_user(self.collector_in_control).action_submit()
        with self.assertRaisesRegex(UserError, "another member of Credit control"):
            recommendation.with_user(self.collector_in_control).action_approve()
        self.assertEqual(recommendation.state, "submitted")

    def test_requester_is_whoever_submits(self):
        recommendation = self.draft(user=self.collector)
        recommendation.with_user(self.collector_in_control).action_submit()
        self.assertEqual(recommendation.requested_by_id, self.collector_in_control)
        with self.assertRaises(UserError):
            recommendation.with_user(self.collector_in_control).action_approve()
        recommendation.with_user(self.controller).action_approve()
        self.assertEqual(recommendation.state, "approved")
        self.assertEqual(recommendation.decided_by_id, self.controller)

    def test_requester_cannot_be_changed(self):
        recommendation = self.draft(user=self.collector_in_control)
        with self.assertRaises(UserError):
            recommendation.with_user(self.collector_in_control).write(
                {"requested_by_id": self.collector.id}
            )
        recommendation.with_user(self.collector_in_control).action_submit()
        with self.assertRaises(UserError):
            recommendation.with_user(self.manager).write(
                {"requested_by_id": self.collector.id}
            )
        self.assertEqual(recommendation.requested_by_id, self.collector_in_control)

    def test_workflow_still_goes_through_the_actions(self):
        recommendation = self.draft()
        recommendation.with_user(self.collector).action_submit()
        with self.assertRaises(AccessError):
            recommendation.with_user(self.manager).action_reject()
        recommendation.with_user(self.controller).action_reject()
        self.assertEqual(recommendation.state, "rejected")
        recommendation.with_user(self.collector).action_reset_to_draft()
        self.assertEqual(recommendation.state, "draft")
        self.assertFalse(recommendation.decided_by_id)

    def test_credit_control_gets_an_activity_and_a_to_approve_list(self):
        recommendation = self.draft(user=self.collector_in_control)
        recommendation.with_user(self.collector_in_control).action_submit()
        activity_type = self.env.ref(
            "ar_collections.mail_activity_type_credit_recommendation_approval"
        )
        activities = recommendation.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertIn(self.controller, activities.user_id)
        self.assertNotIn(self.collector_in_control, activities.user_id)
        Recommendation = self.Recommendation.with_user(self.controller)
        self.assertIn(
            recommendation, Recommendation.search([("can_approve", "=", True)])
        )
        self.assertNotIn(
            recommendation,
            self.Recommendation.with_user(self.collector_in_control).search(
                [("can_approve", "=", True)]
            ),
        )
        self.assertFalse(
            recommendation.with_user(self.collector_in_control).can_approve
        )
        recommendation.with_user(self.controller).action_approve()
        self.assertFalse(
            recommendation.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            )
        )
