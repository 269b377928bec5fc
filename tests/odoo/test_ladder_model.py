from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import CollectionsCase

VALID = """\
version: 1
code: retail
name: Retail reminders
applies_to:
  countries: [FR]
steps:
  - code: first_notice
    day: 10
    stage: overdue
    actions:
      - email: {template: ar_collections.mail_template_first_notice}
"""


@tagged("post_install", "-at_install")
class TestLadderModel(CollectionsCase):
    def test_create_reads_name_code_and_steps(self):
        ladder = self.Ladder.create({"yaml_source": VALID})
        self.assertEqual(ladder.name, "Retail reminders")
        self.assertEqual(ladder.code, "retail")
        self.assertEqual(ladder.step_ids.code, "first_notice")
        self.assertEqual(ladder.step_ids.stage_id.code, "overdue")
        self.assertIn("countries: FR", ladder.applies_to_display)

    def test_invalid_yaml_is_refused_and_previous_stays(self):
        ladder = self.Ladder.create({"yaml_source": VALID})
        broken = VALID.replace("day: 10", "day: ten").replace(
            "stage: overdue", "stage: nope"
        )
        with self.assertRaises(ValidationError) as caught:
            ladder.write({"yaml_source": broken})
        message = str(caught.exception)
        self.assertIn("line 8", message)
        self.assertIn("steps[0].day", message)
        self.assertIn("unknown stage 'nope'", message)
        ladder.invalidate_recordset()
        self.assertEqual(ladder.yaml_source, VALID)
        self.assertEqual(ladder.step_ids.day, 10)

    def test_template_on_wrong_model_is_refused(self):
        source = VALID.replace(
            "ar_collections.mail_template_first_notice",
            "account.email_template_edi_invoice",
        )
        with self.assertRaisesRegex(ValidationError, "ar.collection.notice"):
            self.Ladder.create({"yaml_source": source})
        source = VALID.replace(
            "ar_collections.mail_template_first_notice", "nope.nothing"
        )
        with self.assertRaisesRegex(ValidationError, "nope.nothing"):
            self.Ladder.create({"yaml_source": source})

    def test_action_kind_not_installed_is_refused(self):
        source = VALID.replace(
            "- email: {template: ar_collections.mail_template_first_notice}",
            "- sms: {}",
        )
        with self.assertRaisesRegex(ValidationError, "unknown action kind 'sms'"):
            self.Ladder.create({"yaml_source": source})

    def test_problems_field_lists_live_errors(self):
        ladder = self.Ladder.new({"yaml_source": "version: 2\ncode: x\n"})
        self.assertIn("version", ladder.problems)
        self.assertIn("name", ladder.problems)

    def test_validate_button(self):
        action = self.ladder.action_validate()
        self.assertEqual(action["params"]["type"], "success")

    def test_ladder_selection(self):
        french = self.Ladder.create({"yaml_source": VALID, "sequence": 1})
        fr_customer = self._make_customer(
            "Dupont SA", "dupont@example.com", country_id=self.env.ref("base.fr").id
        )
        override = self.Ladder.create(
            {
                "yaml_source": VALID.replace("code: retail", "code: special").replace(
                    "applies_to:\n  countries: [FR]\n", ""
                ),
                "sequence": 50,
            }
        )
        run = self.env["ar.collection.run"]
        ladders = self.Ladder.search(
            [("company_id", "=", self.company.id)], order="sequence, id"
        )
        from odoo.addons.ar_collections.models.ar_collection_run import _RunJob

        context = _RunJob(run, self.company, ladders, None, True, None)
        self.assertEqual(context.ladder_for(fr_customer), french)
        self.assertEqual(context.ladder_for(self.customer), self.ladder)
        self.customer.collection_ladder_id = override
        self.assertEqual(context.ladder_for(self.customer), override)

    def test_collector_cannot_edit_ladders(self):
        with self.assertRaises(AccessError):
            self.ladder.with_user(self.collector).write({"yaml_source": VALID})
        self.ladder.with_user(self.collector).read(["name"])
        self.ladder.with_user(self.manager).write({"sequence": 3})
        with self.assertRaises(AccessError):
            self.Ladder.with_user(self.collector).run_collections()
