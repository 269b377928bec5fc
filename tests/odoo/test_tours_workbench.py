from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import CollectionsCase

WORKLIST_URL = "/odoo/action-ar_collections.ar_collection_worklist_action"


@tagged("post_install", "-at_install", "is_tour")
class TestWorkbenchTours(CollectionsCase, HttpCase):
    """A collector works the worklist: log a call with a promise on the top customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        cls.top = cls._make_customer("Tour Top Customer", "top@example.com")
        cls.second = cls._make_customer("Tour Second Customer", "second@example.com")
        cls.top_invoice = cls._make_invoice(cls.top, today - timedelta(days=20), 9000)
        cls._make_invoice(cls.second, today - timedelta(days=20), 1000)

    def test_log_call_with_promise_from_worklist(self):
        self.start_tour(
            WORKLIST_URL, "ar_collections_worklist", login=self.collector.login
        )
        promise = self.top.collection_promise_ids
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.amount, 9000)
        self.assertEqual(promise.move_ids, self.top_invoice)
        contact = self.top.collection_contact_ids
        self.assertEqual(contact.user_id, self.collector)
        self.assertEqual(contact.promise_id, promise)
        self.assertIn("pays next week", contact.note)
