"""Calls at the hours that work: call activities fall due inside both the collector's
calling hours and the customer's business hours; the worklist's "Call now"."""

from datetime import date, datetime, timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import MONDAY, CollectionsCase

CALL_DAY = MONDAY + timedelta(days=14)  # the shipped ladder's call step, a Monday


@tagged("post_install", "-at_install")
class TestCallingHours(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Stockholm"
        cls.company.write({"ar_customer_hours_from": 9.0, "ar_customer_hours_to": 17.0})
        cls.collector.tz = "Europe/Stockholm"
        Hours = cls.env["ar.calling.hours"]
        # Tuesday 09:00-11:00 and Wednesday 15:00-17:00, Stockholm time.
        Hours.create(
            [
                {
                    "user_id": cls.collector.id,
                    "weekday": "1",
                    "hour_from": 9,
                    "hour_to": 11,
                },
                {
                    "user_id": cls.collector.id,
                    "weekday": "2",
                    "hour_from": 15,
                    "hour_to": 17,
                },
            ]
        )
        cls.athens = cls._make_customer(
            "Athina AE", "a@athina.example", tz="Europe/Athens"
        )
        cls.new_york = cls._make_customer(
            "Big Apple Inc", "b@apple.example", tz="America/New_York"
        )

    def call_activity(self, partner):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("mail.mail_activity_data_call").id,
                ),
            ]
        )

    @freeze_time(datetime(2026, 3, 16, 6, 0))
    def test_call_falls_due_in_both_windows_across_time_zones(self):
        for partner in (self.athens, self.new_york, self.customer):
            self._make_invoice(partner, MONDAY, amount=500)
        self.run_collections(CALL_DAY)
        # The step says due in 1 day: Tuesday 17 March. Athens (UTC+2) is open at
        # 09:00 Stockholm (08:00 UTC): the collector's Tuesday window.
        athens = self.call_activity(self.athens)
        self.assertEqual(athens.date_deadline, date(2026, 3, 17))
        self.assertEqual(athens.ar_call_at, datetime(2026, 3, 17, 8, 0))
        # New York (UTC-4 since 8 March) opens at 13:00 UTC, after the Tuesday window
        # closes at 10:00 UTC: Wednesday 15:00 Stockholm (14:00 UTC).
        new_york = self.call_activity(self.new_york)
        self.assertEqual(new_york.date_deadline, date(2026, 3, 18))
        self.assertEqual(new_york.ar_call_at, datetime(2026, 3, 18, 14, 0))
        # No time zone on the customer: the company's (Stockholm), Tuesday 09:00.
        local = self.call_activity(self.customer)
        self.assertEqual(local.ar_call_at, datetime(2026, 3, 17, 8, 0))

    @freeze_time(datetime(2026, 3, 16, 6, 0))
    def test_collector_without_calling_hours_keeps_the_ladder_day(self):
        self.env["ar.calling.hours"].search([]).unlink()
        self._make_invoice(self.new_york, MONDAY, amount=500)
        self.run_collections(CALL_DAY)
        activity = self.call_activity(self.new_york)
        self.assertEqual(activity.date_deadline, date(2026, 3, 17))
        self.assertFalse(activity.ar_call_at)

    @freeze_time(datetime(2026, 3, 16, 6, 0))
    def test_windows_that_never_meet_keep_the_ladder_day(self):
        tokyo = self._make_customer("Nihon KK", "n@nihon.example", tz="Asia/Tokyo")
        self._make_invoice(tokyo, MONDAY, amount=500)
        self.run_collections(CALL_DAY)
        activity = self.call_activity(tokyo)
        self.assertEqual(activity.date_deadline, date(2026, 3, 17))
        self.assertFalse(activity.ar_call_at)

    def test_collector_changes_only_own_hours(self):
        Hours = self.env["ar.calling.hours"]
        mine = Hours.with_user(self.collector).create(
            {"weekday": "4", "hour_from": 8, "hour_to": 9}
        )
        self.assertEqual(mine.user_id, self.collector)
        managers = Hours.create({"user_id": self.manager.id, "weekday": "0"})
        with self.assertRaises(AccessError):
            managers.with_user(self.collector).write({"hour_to": 13})
        with self.assertRaises(AccessError):
            Hours.with_user(self.collector).create(
                {"user_id": self.manager.id, "weekday": "0"}
            )
        with self.assertRaises(AccessError):
            mine.with_user(self.collector).write({"user_id": self.manager.id})
        managers.with_user(self.manager).write({"hour_to": 13})
        self.assertEqual(managers.hour_to, 13)

    def test_hours_are_checked(self):
        with self.assertRaises(ValidationError):
            self.env["ar.calling.hours"].create(
                {
                    "user_id": self.collector.id,
                    "weekday": "0",
                    "hour_from": 12,
                    "hour_to": 9,
                }
            )
        with self.assertRaises(ValidationError):
            self.company.ar_customer_hours_to = 8.0

    @freeze_time(datetime(2026, 3, 17, 8, 30))
    def test_worklist_call_now(self):
        for partner in (self.athens, self.new_york, self.customer):
            self._make_invoice(partner, MONDAY, amount=500)
        Worklist = self.env["ar.collection.worklist"].with_user(self.collector)
        now = Worklist.search([("call_now", "=", True)]).partner_id
        # 10:30 in Athens, 09:30 in Stockholm (the company's zone), 04:30 in New York.
        self.assertIn(self.athens, now)
        self.assertIn(self.customer, now)
        self.assertNotIn(self.new_york, now)
        later = Worklist.search([("call_now", "=", False)]).partner_id
        self.assertIn(self.new_york, later)
        self.assertNotIn(self.athens, later)
        row = Worklist.search([("partner_id", "=", self.new_york.id)])
        self.assertEqual(row.customer_time, "04:30")
        self.assertFalse(row.call_now)
