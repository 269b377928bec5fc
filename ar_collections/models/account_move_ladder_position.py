from odoo import _, api, fields, models
from odoo.tools import format_amount, format_date

from ..ladder import LADDER_END, step_label


class AccountMove(models.Model):
    """What people read about an invoice's ladder: step names instead of codes, no
    sentinel dates, and where the invoice stands on its ladder today (computed on
    demand from the run's own facts and the engine's reason codes)."""

    _inherit = "account.move"

    collection_step_label = fields.Char(
        string="Last step",
        compute="_compute_collection_step_labels",
        help="Name of the last ladder step executed on this invoice.",
    )
    collection_next_step_label = fields.Char(
        string="Next step",
        compute="_compute_collection_step_labels",
        help="Name of the next ladder step; 'Ladder finished' when none is left.",
    )
    collection_next_on = fields.Date(
        string="Next step on",
        compute="_compute_collection_step_labels",
        help="When the run looks at this invoice again; empty when it waits for "
        "something to change or its ladder is finished.",
    )
    collection_position_html = fields.Html(
        string="Ladder position",
        compute="_compute_collection_position_html",
        sanitize=False,
        help="Steps done with their dates, the next step and its date, and why it "
        "waits: the decision the next run would take today.",
    )

    @api.depends(
        "collection_step",
        "collection_next_step",
        "collection_next_date",
        "collection_ladder_id",
    )
    def _compute_collection_step_labels(self):
        labels = self._ar_step_labels()
        for move in self:
            ladder_labels = labels.get(move.collection_ladder_id.id, {})
            step, following = move.collection_step, move.collection_next_step
            move.collection_step_label = (
                ladder_labels.get(step) or step_label(step) if step else False
            )
            if following:
                move.collection_next_step_label = ladder_labels.get(
                    following
                ) or step_label(following)
            elif move.collection_ladder_id and move.collection_next_date:
                move.collection_next_step_label = _("Ladder finished")
            else:
                move.collection_next_step_label = False
            next_date = move.collection_next_date
            move.collection_next_on = (
                next_date if next_date and next_date != LADDER_END else False
            )

    def _ar_step_labels(self):
        """{ladder id: {step code: step label}} for the ladders of these invoices
        (parsed once per ladder)."""
        return {
            ladder.id: {step.code: step.label for step in ladder._get_parsed().steps}
            for ladder in self.collection_ladder_id
        }

    def _compute_collection_position_html(self):
        positions = self.env["ar.collection.run"]._ar_ladder_positions(self)
        events = self.env["ar.collection.event"].search(
            [
                ("move_id", "in", self.ids),
                ("state", "in", ("done", "skipped", "failed")),
            ],
            order="date, id",
        )
        for move in self:
            position = positions.get(move.id)
            if position is None:
                move.collection_position_html = False
                continue
            move.collection_position_html = self.env["ir.qweb"]._render(
                "ar_collections.ladder_position_panel",
                {
                    "move": move,
                    "position": position,
                    "steps_done": move._ar_steps_done(
                        events.filtered(lambda e, m=move: e.move_id == m),
                        position["ladder"],
                    ),
                    "next_date": position["next_date"]
                    and format_date(self.env, position["next_date"]),
                    "why": move._ar_position_reason_text(position),
                },
            )

    def _ar_steps_done(self, events, ladder):
        """[(date, step name, state label)]: one line per step the invoice went
        through, in order, from its events."""
        self.ensure_one()
        labels = {step.code: step.label for step in ladder._get_parsed().steps}
        states = dict(events._fields["state"]._description_selection(self.env))
        lines = []
        seen = set()
        for event in events:
            key = (event.step_code, event.state)
            if key in seen:
                continue
            seen.add(key)
            lines.append(
                (
                    format_date(self.env, event.date),
                    labels.get(event.step_code) or step_label(event.step_code),
                    states.get(event.state, event.state),
                )
            )
        return lines

    def _ar_position_reason_text(self, position):
        """The engine's reason code for this invoice, in words."""
        self.ensure_one()
        reason = position["reason"]
        env = self.env
        next_date = position["next_date"] and format_date(env, position["next_date"])
        if reason == "no_ladder":
            return _("No ladder applies to this customer.")
        if reason == "finished":
            return _("Ladder finished: every step is behind this invoice.")
        if reason in ("take", "first_seen_late", "jump"):
            return _(
                "Due: the next collections run takes the step %(step)s.",
                step=position["next_step_label"],
            )
        if reason == "notice_pending":
            return _(
                "Waiting: the message of step %(step)s has not gone out yet; the "
                "run retries it.",
                step=position["next_step_label"],
            )
        if reason == "paused":
            causes = [
                _("%(cause)s until %(date)s", cause=cause, date=format_date(env, last))
                if last
                else _("%(cause)s (no end date)", cause=cause)
                for cause, last in position["paused_by"]
            ]
            return _(
                "Paused by %(causes)s.",
                causes="; ".join(causes) or _("a case on this invoice"),
            )
        if reason == "below_minimum":
            currency = self.company_id.currency_id
            return _(
                "Waiting: below minimum; the customer owes %(overdue)s overdue, "
                "less than the ladder's minimum of %(minimum)s.",
                overdue=format_amount(env, position["overdue"], currency),
                minimum=format_amount(env, position["minimum"], currency),
            )
        if reason == "quiet_day":
            return _(
                "Waiting: today is a quiet day for this ladder; it goes on %(date)s.",
                date=next_date,
            )
        if reason == "min_days":
            return _(
                "Waiting: the last step was too recent (the ladder keeps steps "
                "apart); next on %(date)s.",
                date=next_date,
            )
        return _("Not due yet: next step on %(date)s.", date=next_date)
