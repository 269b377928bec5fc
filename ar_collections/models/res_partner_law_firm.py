from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .res_partner import USER_GROUP

# A law firm's letterhead and its consent: collections managers' settings.
LAW_FIRM_FIELDS = {
    "is_law_firm",
    "law_firm_code",
    "law_firm_authorised",
    "law_firm_authorised_date",
    "law_firm_logo",
    "law_firm_signature",
}


class ResPartner(models.Model):
    """Law firms whose letterhead ladder notices may carry (``letterhead: <code>``).

    The firm's name and address are the partner's; the letterhead adds a logo and a
    signature. A firm's letterhead is used only once the firm has authorised it
    (``law_firm_authorised``, from ``law_firm_authorised_date``). These fields
    (``LAW_FIRM_FIELDS``) are collections managers' settings: see
    ``res_partner.py::_ar_manager_fields``.
    """

    _inherit = "res.partner"

    is_law_firm = fields.Boolean(
        string="Law firm",
        tracking=True,
        groups=USER_GROUP,
        help="Ladder notices may be sent on this firm's letterhead "
        "(letterhead: <code>), once it has authorised it.",
    )
    law_firm_code = fields.Char(
        string="Law firm code",
        tracking=True,
        groups=USER_GROUP,
        copy=False,
        help="How ladders name this firm: letterhead: <code>. Unique per company.",
    )
    law_firm_authorised = fields.Boolean(
        string="Letterhead authorised",
        tracking=True,
        groups=USER_GROUP,
        copy=False,
        help="The firm has agreed that notices go out on its letterhead.",
    )
    law_firm_authorised_date = fields.Date(
        string="Authorised on",
        tracking=True,
        groups=USER_GROUP,
        copy=False,
        help="From this day on, notices may carry the firm's letterhead.",
    )
    law_firm_logo = fields.Image(
        string="Letterhead logo", max_width=512, max_height=512, groups=USER_GROUP
    )
    law_firm_signature = fields.Text(
        string="Letterhead signature",
        groups=USER_GROUP,
        help="Printed under the notices sent on the firm's letterhead.",
    )

    @api.model
    def _ar_manager_fields(self):
        return super()._ar_manager_fields() | LAW_FIRM_FIELDS

    @api.constrains("law_firm_code", "company_id", "is_law_firm")
    def _check_law_firm_code(self):
        firms = self.filtered(lambda p: p.is_law_firm and p.law_firm_code)
        if not firms:
            return
        others = self.sudo().search(
            [
                ("is_law_firm", "=", True),
                ("law_firm_code", "in", firms.mapped("law_firm_code")),
            ]
        )
        by_code = defaultdict(list)
        for other in others:
            by_code[other.law_firm_code].append(other)
        for firm in firms:
            code = firm.law_firm_code
            clash = any(
                other.id != firm.id
                and (
                    other.company_id == firm.company_id
                    or not other.company_id
                    or not firm.company_id
                )
                for other in by_code[code]
            )
            if clash:
                raise ValidationError(
                    _(
                        "Two law firms of the same company cannot share the code "
                        "'%(code)s' (%(firm)s).",
                        code=code,
                        firm=firm.display_name,
                    )
                )

    @api.constrains("law_firm_authorised", "law_firm_authorised_date")
    def _check_law_firm_authorised_date(self):
        for firm in self:
            if firm.law_firm_authorised and not firm.law_firm_authorised_date:
                raise ValidationError(
                    _(
                        "Law firm %(firm)s: say from which day its letterhead is "
                        "authorised.",
                        firm=firm.display_name,
                    )
                )

    @api.model
    def _ar_find_law_firms(self, codes, company):
        """{code: law firm} for the codes a ladder names: the company's own firm,
        else one shared by every company."""
        firms = self.sudo().search(
            [
                ("is_law_firm", "=", True),
                ("law_firm_code", "in", list(codes)),
                ("company_id", "in", [company.id, False]),
            ],
            order="company_id, id",
        )
        found = {}
        for firm in firms:
            if firm.law_firm_code not in found or firm.company_id:
                found[firm.law_firm_code] = firm
        return found

    def _ar_letterhead_refusal(self, today):
        """Why the firm's letterhead may not be used on ``today``, or None."""
        self.ensure_one()
        firm = self.sudo()
        if not firm.law_firm_authorised or not firm.law_firm_authorised_date:
            return _(
                "refused: law firm %(firm)s has not authorised its letterhead",
                firm=firm.name,
            )
        if firm.law_firm_authorised_date > today:
            return _(
                "refused: law firm %(firm)s has authorised its letterhead only from "
                "%(date)s",
                firm=firm.name,
                date=firm.law_firm_authorised_date,
            )
        return None
