"""Action kinds are one registration each (schema, description, handler), added to
``ar.collection.action`` by the capability that owns them, or by another addon."""

from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.ar_collections.ladder import ACTION_SCHEMAS, Action

from .common import MONDAY, CollectionsCase

SHIPPED = {
    "email",
    "letter",
    "activity",
    "credit_hold",
    "refer_to_agency",
    "legal",
    "request_write_off",
}

HOLD_LADDER = """\
version: 1
code: with_hold
name: With hold
steps:
  - code: demand
    day: 7
    actions:
      - credit_hold: {reason: Late}
"""

NOTE_LADDER = """\
version: 1
code: with_note
name: With a note
steps:
  - code: note
    day: 7
    actions:
      - test_note: {text: Please pay}
"""


@tagged("post_install", "-at_install")
class TestActionRegistry(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Action = cls.env["ar.collection.action"]

    def _without(self, kind):
        """The registry as it is when the capability owning ``kind`` is removed."""
        registry_class = type(self.Action)
        original = registry_class._ar_action_kinds

        def kinds(model):
            return {k: v for k, v in original(model).items() if k != kind}

        self.patch(registry_class, "_ar_action_kinds", kinds)

    def test_every_shipped_kind_is_registered_with_its_schema(self):
        kinds = self.Action._ar_action_kinds()
        self.assertLessEqual(SHIPPED, set(kinds))
        for kind in SHIPPED:
            self.assertEqual(kinds[kind].schema, ACTION_SCHEMAS[kind])
            self.assertTrue(callable(kinds[kind].handler))
        self.assertEqual({k for k in kinds if kinds[k].notice}, {"email", "letter"})
        self.assertEqual(
            {k for k in SHIPPED if kinds[k].after_notice},
            {"credit_hold", "refer_to_agency", "legal", "request_write_off"},
        )

    def test_ladder_using_a_removed_kind_is_refused(self):
        self.Ladder.create({"yaml_source": HOLD_LADDER})
        self._without("credit_hold")
        with self.assertRaisesRegex(
            ValidationError, "action kind 'credit_hold' is not installed"
        ):
            self.Ladder.create({"yaml_source": HOLD_LADDER.replace("with_hold", "h2")})

    def test_descriptions_come_from_the_registration(self):
        describe = self.Action._ar_describe
        self.assertEqual(
            describe(Action("credit_hold", {"reason": "Late", "release": "manual"})),
            "Credit hold: Late (released by hand)",
        )
        self.assertEqual(
            describe(Action("request_write_off", {"reason": "insolvent"})),
            "Write-off request: "
            + dict(self.env["ar.write.off.request"]._fields["reason"].selection)[
                "insolvent"
            ],
        )
        ladder = self.Ladder.create({"yaml_source": HOLD_LADDER})
        self.assertEqual(ladder.step_ids.actions_display, "Credit hold: Late")

    def _test_kind_installed(self):
        return bool(
            self.env["ir.module.module"].search_count(
                [("name", "=", "ar_collections_test_kind"), ("state", "=", "installed")]
            )
        )

    def test_a_kind_added_by_another_addon(self):
        self.assertTrue(
            self._test_kind_installed(),
            "the test addon tests/addons/ar_collections_test_kind must be installed: "
            "tests/addons on the addons_path and the addon in TEST_MODULES",
        )
        ladder = self.Ladder.create({"yaml_source": NOTE_LADDER, "sequence": 1})
        self.assertEqual(
            ladder.step_ids.actions_display, "Note on the customer: Please pay"
        )
        self.company.ar_default_ladder_id = ladder
        self.ladder.active = False
        invoice = self._make_invoice(self.customer, MONDAY)
        result = self.run_collections(MONDAY + timedelta(days=7))
        self.assertEqual(result["test_notes"], 1)
        event = self.events(invoice, step_code="note")
        self.assertEqual(event.state, "done")
        self.assertIn("Please pay", self.customer.message_ids[:1].body)
        # Without its registration the same ladder is refused.
        self._without("test_note")
        with self.assertRaisesRegex(
            ValidationError, "action kind 'test_note' is not installed"
        ):
            self.Ladder.create({"yaml_source": NOTE_LADDER.replace("with_note", "n2")})
