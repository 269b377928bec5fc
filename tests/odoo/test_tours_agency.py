from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import MONDAY, CollectionsCase


@tagged("post_install", "-at_install", "is_tour")
class TestAgencyTours(CollectionsCase, HttpCase):
    """Refer two invoices from the customer's invoices, send, recover, close."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Nordic Collect AS",
                "is_company": True,
                "is_collection_agency": True,
                "collection_agency_code": "nordic",
                "agency_commission_rate": 10.0,
                "email": "cases@nordic.example",
            }
        )
        cls.company.ar_default_agency_id = cls.agency
        cls.tour_customer = cls._make_customer("Fjord Retail AS", "fjord@example.com")
        cls.first = cls._make_invoice(cls.tour_customer, MONDAY, amount=300)
        cls.second = cls._make_invoice(
            cls.tour_customer, MONDAY + timedelta(days=7), amount=500
        )

    def test_refer_two_invoices_and_close_recovered(self):
        self.start_tour(
            f"/odoo/res.partner/{self.tour_customer.id}",
            "ar_collections_agency_referral",
            login=self.manager.login,
        )
        referral = self.env["ar.agency.referral"].search(
            [("partner_id", "=", self.tour_customer.id)]
        )
        self.assertEqual(len(referral), 1)
        self.assertEqual(referral.move_ids, self.first | self.second)
        self.assertEqual(referral.agency_id, self.agency)
        self.assertEqual(referral.state, "closed")
        self.assertEqual(referral.close_reason, "recovered")
        self.assertEqual(referral.amount_recovered, 800)
        self.assertEqual(referral.commission_amount, 80)
        self.assertEqual(referral.commission_move_ids.amount_total, 80)
        self.assertEqual(referral.update_ids.status, "recovered")
        self.assertEqual(self.first.collection_stage_id.code, "agency")
        self.assertEqual(self.second.collection_stage_id.code, "agency")
