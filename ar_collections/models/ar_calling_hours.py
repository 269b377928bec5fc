from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..ladder.calling import CallingWindow

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class ArCallingHours(models.Model):
    """A collector's calling time on one weekday, in the collector's time zone.

    Call activities of the ladder fall due in the first of these windows that is
    also inside the customer's business hours (in the customer's time zone), so
    that peak calling time is spent on customers who can answer.
    """

    _name = "ar.calling.hours"
    _description = "Collector calling hours"
    _order = "user_id, weekday, hour_from"

    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.user,
    )
    weekday = fields.Selection(WEEKDAYS, required=True, default="0")
    hour_from = fields.Float(string="From", required=True, default=9.0)
    hour_to = fields.Float(string="To", required=True, default=12.0)
    tz = fields.Selection(related="user_id.tz", string="Time zone")

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        for window in self:
            if not 0 <= window.hour_from < window.hour_to <= 24:
                raise ValidationError(
                    _(
                        "Calling hours of %(user)s on %(day)s: 'from' must be before "
                        "'to', both between 0 and 24.",
                        user=window.user_id.name,
                        day=dict(
                            self._fields["weekday"]._description_selection(self.env)
                        )[window.weekday],
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._check_owner()
        return records

    def write(self, vals):
        self._check_owner()
        result = super().write(vals)
        self._check_owner()
        return result

    def unlink(self):
        self._check_owner()
        return super().unlink()

    def _check_owner(self):
        """A collector keeps their own calling hours; a collections manager anyone's."""
        if self.env.su or self.env.user.has_group(
            "ar_collections.group_collections_manager"
        ):
            return
        if self.filtered(lambda window: window.user_id != self.env.user):
            raise AccessError(_("You can only change your own calling hours."))

    @api.model
    def _windows_by_user(self, users):
        """{user id: (CallingWindow, ...)} of the users, in one query."""
        windows = {}
        for window in self.sudo().search([("user_id", "in", users.ids)]):
            windows.setdefault(window.user_id.id, []).append(
                CallingWindow(int(window.weekday), window.hour_from, window.hour_to)
            )
        return {user_id: tuple(items) for user_id, items in windows.items()}
