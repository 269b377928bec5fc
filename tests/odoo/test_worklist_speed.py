"""The collector worklist opens with one evaluation of its SQL view per call.

The worklist (``ar.collection.worklist``) is a query over every open invoice: the
list's page and its number of rows come from one evaluation of it, whatever the
user (a collector's record rules need the company of the rows: it is fetched with
them) and however many customers there are. Behaviour, not timing: the number of
evaluations and of queries, and that the page, its length and the rules are those
of the standard ``search`` and ``search_count``.
"""

from contextlib import contextmanager
from datetime import timedelta

from odoo.tests import freeze_time, tagged

from odoo.addons.ar_collections.ladder import LADDER_END

from .common import MONDAY, CollectionsCase


@tagged("post_install", "-at_install")
class TestWorklistSpeed(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        views = cls.env["ar.collection.worklist"].get_views([(False, "list")])
        fields = views["models"]["ar.collection.worklist"]["fields"]
        # the fields of the worklist's list view, as the web client asks for them
        cls.spec = {name: {} for name in fields if name != "id"}
        cls.customers = cls.env["res.partner"]
        for index in range(3):
            cls.customers |= cls.overdue_customer(index)

    @classmethod
    def overdue_customer(cls, index):
        partner = cls._make_customer(f"Late {index}", f"late{index}@example.com")
        cls._make_invoice(
            partner, MONDAY - timedelta(days=10 + index), 100 * index + 50
        )
        return partner

    @contextmanager
    def queries(self):
        """The SQL queries of the block (Odoo's own spy of assertQueries)."""
        queries = []
        yield from self._patchExecute(queries)

    @staticmethod
    def evaluations(queries):
        """How many of the queries evaluate the worklist's view."""
        return sum("WITH overdue AS" in str(query) for query in queries)

    def worklist(self, user=None):
        return self.env["ar.collection.worklist"].with_user(user or self.collector)

    def test_page_and_length_from_one_evaluation(self):
        worklist = self.worklist()
        domain = [("partner_id", "in", self.customers.ids)]
        with freeze_time(MONDAY):
            self.env.invalidate_all()
            with self.queries() as queries:
                page = worklist.web_search_read(domain, self.spec, limit=2)
            # Without the count in the page's query: a second evaluation for
            # search_count, and a third to fetch the rows' company for the
            # multi-company rule of the collector's read.
            self.assertEqual(self.evaluations(queries), 1)
            expected = worklist.search(domain)
            self.assertEqual(page["length"], len(expected))
            self.assertEqual(page["length"], 3)
            self.assertEqual([row["id"] for row in page["records"]], expected[:2].ids)
            for row, record in zip(page["records"], expected, strict=False):
                self.assertEqual(row["partner_id"], record.partner_id.id)
                self.assertEqual(row["overdue_amount"], record.overdue_amount)
                self.assertEqual(row["priority"], record.priority)
                self.assertEqual(row["sort_rank"], record.sort_rank)

            # A later read of any other column does not evaluate the view again.
            records = worklist.browse([row["id"] for row in page["records"]])
            with self.queries() as queries:
                records.read(["company_id", "salesperson_id", "next_action_state"])
            self.assertEqual(self.evaluations(queries), 0)

    def test_length_is_that_of_the_standard_method(self):
        worklist = self.worklist()
        domain = [("partner_id", "in", self.customers.ids)]
        with freeze_time(MONDAY):
            # the last page: its rows and the offset
            page = worklist.web_search_read(domain, self.spec, offset=2, limit=2)
            self.assertEqual(len(page["records"]), 1)
            self.assertEqual(page["length"], 3)
            # the count stops at count_limit
            page = worklist.web_search_read(domain, self.spec, limit=1, count_limit=2)
            self.assertEqual(page["length"], 2)
            page = worklist.web_search_read(domain, self.spec, limit=2, count_limit=2)
            self.assertEqual(page["length"], 2)
            # past the end: nothing
            page = worklist.web_search_read(domain, self.spec, offset=5, limit=2)
            self.assertEqual(page, {"length": 0, "records": []})
            # no limit: every row
            page = worklist.web_search_read(domain, self.spec)
            self.assertEqual(page["length"], 3)
            # a filter of the search view
            page = worklist.web_search_read(
                [*domain, ("oldest_days_late", ">", 10)], self.spec, limit=1
            )
            self.assertEqual(page["length"], 2)

    def test_other_company_rows_stay_hidden(self):
        other = self.setup_other_company(name="Other Co")["company"]
        foreign = self._make_customer("Foreign", "foreign@example.com")
        self._make_invoice(foreign, MONDAY - timedelta(days=30), 900, company=other)
        with freeze_time(MONDAY):
            both = self.env["ar.collection.worklist"].with_context(
                allowed_company_ids=[self.company.id, other.id]
            )
            domain = [("partner_id", "in", (self.customers | foreign).ids)]
            self.assertEqual(both.search_count(domain), 4)
            # the collector works in the first company only
            page = self.worklist().web_search_read(domain, self.spec, limit=2)
            self.assertEqual(page["length"], 3)
            self.assertNotIn(foreign.id, [row["partner_id"] for row in page["records"]])

    def test_queries_do_not_grow_with_customers(self):
        worklist = self.worklist()

        def open_worklist():
            self.env.invalidate_all()
            with self.queries() as queries:
                worklist.web_search_read([], self.spec, limit=2)
                worklist.web_read_group([], ["overdue_amount:sum"], ["collector_id"])
            return queries

        with freeze_time(MONDAY):
            open_worklist()  # the access rules and groups cached once
            before = open_worklist()
            for index in range(3, 9):
                self.overdue_customer(index)
            after = open_worklist()
        self.assertEqual(len(after), len(before))
        self.assertEqual(self.evaluations(after), 2)

    def test_status_follows_the_invoices(self):
        """The status counted on the grouped row is the documented one: at the next
        run when an overdue invoice has no date yet, planned when one has a step
        date, no ladder when none has a ladder, finished when none has a next
        step, else waiting."""
        self.run_collections(MONDAY)
        # after the run: a second, new invoice (not seen by the ladder yet) for one
        # customer, and a customer whose only invoice is new
        self._make_invoice(self.customers[1], MONDAY - timedelta(days=2), 70)
        fresh = self.overdue_customer(7)
        partners = self.customers | fresh
        with freeze_time(MONDAY):
            rows = self.env["ar.collection.worklist"].search(
                [("partner_id", "in", partners.ids)]
            )
            invoices = self.env["account.move"].search(
                [
                    ("commercial_partner_id", "in", partners.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("invoice_date_due", "<", MONDAY),
                ]
            )
        self.assertEqual(len(rows), 4)
        for row in rows:
            moves = invoices.filtered(lambda m, row=row: m.partner_id == row.partner_id)
            dates = moves.mapped("collection_next_date")
            if not all(dates):
                expected = "next_run"
            elif any(date < LADDER_END for date in dates):
                expected = "planned"
            elif not any(moves.mapped("collection_ladder_id")):
                expected = "no_ladder"
            elif not any(moves.mapped("collection_next_step")):
                expected = "finished"
            else:
                expected = "waiting"
            self.assertEqual(row.next_action_state, expected, row.partner_id.name)
            self.assertEqual(row.overdue_count, len(moves))
        by_partner = {row.partner_id: row.next_action_state for row in rows}
        self.assertEqual(by_partner[fresh], "next_run")
        self.assertEqual(by_partner[self.customers[1]], "next_run")
        self.assertEqual(by_partner[self.customers[0]], "planned")
