"""Pure tests of the ladder engine: ``from ladder import ...``, no Odoo.

``ar_collections/`` goes on ``sys.path`` so that ``ladder`` imports as a top-level
package; the addon package itself (whose ``__init__`` imports Odoo) is never
imported from here.
"""

import sys
import textwrap
from pathlib import Path

import pytest

ADDON_DIR = Path(__file__).resolve().parents[2] / "ar_collections"
if str(ADDON_DIR) not in sys.path:
    sys.path.insert(0, str(ADDON_DIR))

# The example ladder of DESIGN.md ("The ladder format (version 1)"), verbatim.
EXAMPLE_LADDER = textwrap.dedent(
    """\
    version: 1
    code: standard_b2b
    name: Standard B2B reminders
    applies_to:                 # optional; the first matching ladder by sequence wins;
      partner_tags: [B2B]       # a ladder without applies_to is the company's fallback
      countries: [SE, NO, FR, GR]
    minimum_overdue: 25.00      # company currency; a customer owing less overdue is left alone
    min_days_between_steps: 5   # never two steps on one invoice closer than this
    quiet_weekdays: [sat, sun]  # nothing is sent on these days; it waits for the next allowed day
    steps:
      - code: courtesy
        day: -3                 # days from the invoice due date; negative means before it
        stage: reminded
        actions:
          - email: {template: ar_collections.mail_template_courtesy}
      - code: first_notice
        day: 7
        stage: overdue
        actions:
          - email: {template: ar_collections.mail_template_first_notice}
      - code: call
        day: 14
        stage: overdue
        actions:
          - activity: {type: call, assign: collector, summary: Call about overdue invoices, due_in_days: 1}
      - code: final_demand
        day: 30
        stage: final_demand
        actions:
          - email: {template: ar_collections.mail_template_final_demand}
          - credit_hold: {reason: Final demand sent}
      - code: agency
        day: 60
        stage: agency
        actions:
          - refer_to_agency: {agency: default}
      - code: write_off_review
        day: 180
        actions:
          - request_write_off: {reason: uncollectible}
    """  # noqa: E501
)

SHIPPED_STAGES = (
    "current",
    "reminded",
    "overdue",
    "final_demand",
    "agency",
    "legal",
    "written_off",
    "paid",
)


@pytest.fixture(scope="session")
def example_source():
    return EXAMPLE_LADDER


@pytest.fixture(scope="session")
def example_ladder():
    from ladder import parse_ladder

    return parse_ladder(EXAMPLE_LADDER, stages=SHIPPED_STAGES)
