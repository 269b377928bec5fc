from odoo import _, api, fields, models
from odoo.exceptions import UserError

CASE_SOURCES = [("collector", "Collector"), ("portal", "Customer portal")]
MANAGER_GROUP = "ar_collections.group_collections_manager"


class ArCollectionPortalCaseMixin(models.AbstractModel):
    """What a case the customer may open on the portal adds: where it comes from
    (``source``: ``collector`` or ``portal``) and the portal form's one-time nonce,
    unique, so that a replayed form submission cannot create a second case.

    Both are fixed at creation: ``write()`` refuses any change of them, for every
    caller (superuser included).
    """

    _name = "ar.collection.portal.case.mixin"
    _description = "Collection case the customer may open on the portal"

    # Prefix of the case number the portal shows the customer.
    _ar_case_number_prefix = "C"

    source = fields.Selection(
        CASE_SOURCES,
        required=True,
        default="collector",
        readonly=True,
        index=True,
        help="Who recorded it: a collector, or the customer on the portal.",
    )
    portal_nonce = fields.Char(
        readonly=True,
        copy=False,
        help="One-time key of the portal form that created it.",
    )
    case_number = fields.Char(compute="_compute_case_number")

    _sql_constraints = [
        (
            "portal_nonce_unique",
            "UNIQUE(portal_nonce)",
            "This portal form was already submitted.",
        ),
    ]

    def _compute_case_number(self):
        for case in self:
            case.case_number = (
                f"{case._ar_case_number_prefix}-{case.id:05d}" if case.id else ""
            )

    def write(self, vals):
        for name in ("source", "portal_nonce"):
            if name in vals and any(case[name] != vals[name] for case in self):
                raise UserError(
                    _(
                        "%(case)s: %(field)s is set when it is recorded and never "
                        "changes.",
                        case=self._description,
                        field=self._fields[name].string,
                    )
                )
        return super().write(vals)

    @api.model
    def _ar_portal_responsible(self, partner, company):
        """Who follows up what the customer did on the portal: the customer's
        collector, else its salesperson, else a collections manager of the
        company (empty when there is none)."""
        partner = partner.commercial_partner_id.with_company(company)
        user = partner.collector_id or partner.user_id
        if user:
            return user
        group = self.env.ref(MANAGER_GROUP)
        return group.sudo().users.filtered(
            lambda u: company in u.company_ids and u.active and not u.share
        )[:1]

    @api.model
    def _ar_portal_replay(self, partner, nonce):
        """The case this customer already created with this form nonce, if any;
        a nonce of another customer's form is refused."""
        if not nonce:
            raise UserError(_("The form is incomplete; reload the page and try again."))
        case = self.sudo().search([("portal_nonce", "=", nonce)], limit=1)
        if case and case.partner_id != partner.commercial_partner_id:
            raise UserError(_("This form was already used; reload the page."))
        return case

    @api.model
    def _ar_portal_check_moves(self, partner, company, moves):
        """The invoices a portal case covers: posted, open customer invoices of
        ``partner`` (commercial) in ``company``; anything else is refused."""
        if not moves:
            raise UserError(_("Choose at least one invoice."))
        customer = partner.commercial_partner_id
        wrong = moves.filtered(
            lambda move: (
                move.move_type != "out_invoice"
                or move.state != "posted"
                or move.payment_state not in ("not_paid", "partial")
                or move.commercial_partner_id != customer
                or move.company_id != company
            )
        )
        if wrong or len(moves.currency_id) > 1:
            raise UserError(
                _(
                    "Only your own open invoices of %(company)s in one currency can "
                    "be chosen.",
                    company=company.name,
                )
            )
        return moves

    def _ar_portal_log(self, body, author):
        """The customer's chatter says what was done on the portal."""
        for case in self:
            case.partner_id.sudo().message_post(
                body=body,
                author_id=author.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
