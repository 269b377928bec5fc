import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .ar_agency_referral import (
    ACTIVE_STATES,
    AGENCY_STATUSES,
    CLOSING_STATUSES,
    REFERRAL_STATES,
)


class ArAgencyReferralImport(models.Model):
    """Status updates from the agency, entered by hand or imported (CSV)."""

    _inherit = "ar.agency.referral"

    # Agency updates ------------------------------------------------------------------

    def _apply_agency_update(
        self, status, amount_collected=None, note=None, source="manual"
    ):
        """One status update from the agency, checked here whoever the caller."""
        self.ensure_one()
        self._check_collections_user(_("record an agency update on"))
        problems = self._validate_agency_update(self, status, amount_collected)
        if problems:
            raise UserError(
                _(
                    "%(name)s: this agency update cannot be recorded: %(problems)s.",
                    name=self.name,
                    problems="; ".join(problems),
                )
            )
        values = {"date": fields.Date.context_today(self)}
        previous = self.amount_collected_agency
        if amount_collected is not None and float_compare(
            amount_collected, previous, precision_rounding=self.currency_id.rounding
        ):
            self._transition({"amount_collected_agency": amount_collected})
        with self._ar_unlocked():
            self.env["ar.agency.referral.update"].create(
                {
                    "referral_id": self.id,
                    "status": status,
                    "amount_collected": self.amount_collected_agency,
                    "note": note or False,
                    "source": source,
                    **values,
                }
            )
        if status in CLOSING_STATUSES:
            self._close(CLOSING_STATUSES[status], note=note)
        elif status != self.state and self.state in ACTIVE_STATES:
            self._transition({"state": status})
            note_suffix = f" ({note})" if note else ""
            self.message_post(
                body=_(
                    "Agency update: %(status)s%(note)s",
                    status=dict(AGENCY_STATUSES)[status],
                    note=note_suffix,
                ),
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _validate_agency_update(self, referral, status, amount_collected):
        """The problems of one update, as a list of texts (empty: fine)."""
        problems = []
        if not referral:
            return [_("unknown case reference")]
        if referral.state not in ACTIVE_STATES:
            problems.append(
                _(
                    "case %(name)s is %(state)s, not with the agency",
                    name=referral.name,
                    state=dict(REFERRAL_STATES)[referral.state],
                )
            )
        if status not in dict(AGENCY_STATUSES):
            problems.append(
                _(
                    "unknown status '%(status)s' (expected one of %(statuses)s)",
                    status=status,
                    statuses=", ".join(dict(AGENCY_STATUSES)),
                )
            )
        if amount_collected is not None:
            if not math.isfinite(amount_collected):
                problems.append(
                    _(
                        "amount collected '%(amount)s' is not a finite number",
                        amount=amount_collected,
                    )
                )
            elif amount_collected < 0:
                problems.append(_("negative amount collected"))
            elif (
                float_compare(
                    amount_collected,
                    referral.amount_referred,
                    precision_rounding=referral.currency_id.rounding,
                )
                > 0
            ):
                problems.append(
                    _(
                        "amount collected %(amount)s is over the referred balance "
                        "%(referred)s",
                        amount=amount_collected,
                        referred=referral.amount_referred,
                    )
                )
        return problems

    @api.model
    def _find_by_case_reference(self, references):
        """{reference: referral} for our references and the agency's."""
        references = [ref for ref in references if ref]
        referrals = self.search(
            [
                "|",
                ("name", "in", references),
                ("agency_case_reference", "in", references),
            ]
        )
        found = {}
        for referral in referrals:
            found.setdefault(referral.name, referral)
            if referral.agency_case_reference:
                found.setdefault(referral.agency_case_reference, referral)
        return found
