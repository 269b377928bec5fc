from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import format_date, formatLang

from ..ladder import NOTIFY_SCHEMAS
from .ar_collection_action import ActionKind

MANAGER_GROUP = "ar_collections.group_collections_manager"


class ArCollectionAction(models.AbstractModel):
    """The ``notify`` kind: sales staff (or the collector, the managers, a user, a
    group) in the loop. Each customer gets an internal note naming the users, and
    each user an activity with the customer's collection summary (overdue amount,
    oldest days late, stage, last contact, open promises and disputes); the
    summaries of a batch are read in a fixed number of queries."""

    _inherit = "ar.collection.action"

    @api.model
    def _ar_action_kinds(self):
        kinds = super()._ar_action_kinds()
        kinds["notify"] = ActionKind(
            NOTIFY_SCHEMAS["notify"],
            handler=self._ar_action_notify,
            describe=self._ar_describe_notify,
            count_key="activities",
        )
        return kinds

    @api.model
    def _ar_describe_notify(self, action):
        who = action.params.get("who") or "salesperson"
        labels = {
            "salesperson": _("the salesperson"),
            "collector": _("the collector"),
            "manager": _("the collections managers"),
        }
        return _("Notify %(who)s", who=labels.get(who, who))

    # Recipients ----------------------------------------------------------------------

    @api.model
    def _ar_notify_users(self, partner, who, company, cache):
        """(users, fallback note or None) ``who`` names for ``partner``. Nobody
        (no salesperson, an unknown login or group): the collector, else the
        collections managers, with a note that says so."""
        users = self.env["res.users"]
        if who == "salesperson":
            users = partner.user_id
        elif who == "collector":
            users = partner.collector_id
        elif who == "manager":
            users = self._ar_group_users(MANAGER_GROUP, company, cache)
        elif "." in who and "@" not in who:
            users = self._ar_group_users(who, company, cache)
        else:
            users = cache["logins"].get(who, users)
        users = users.filtered(lambda u: u.active and not u.share)
        if users:
            return users, None
        fallback = partner.collector_id.filtered("active") or self._ar_group_users(
            MANAGER_GROUP, company, cache
        )
        return fallback, _(
            "Nobody to notify as '%(who)s' for %(customer)s; sent to %(users)s "
            "instead.",
            who=who,
            customer=partner.display_name,
            users=", ".join(fallback.mapped("name")) or "-",
        )

    @api.model
    def _ar_group_users(self, xmlid, company, cache):
        key = ("group", xmlid, company.id)
        if key not in cache:
            group = self.env.ref(xmlid, raise_if_not_found=False)
            root = self.env.ref("base.user_root")
            cache[key] = (
                group.users.filtered(
                    lambda u: (
                        u.active
                        and not u.share
                        and u != root
                        and company in u.company_ids
                    )
                )
                if group and group._name == "res.groups"
                else self.env["res.users"]
            )
        return cache[key]

    # Summaries -----------------------------------------------------------------------

    @api.model
    def _ar_collection_summaries(self, partners, company, today):
        """{partner id: dict} of the customers' collection facts, in 4 queries."""
        Move = self.env["account.move"].sudo()
        overdue = {
            partner.id: (amount, oldest)
            for partner, amount, oldest in Move._read_group(
                Move._ar_open_invoice_domain(company)
                + [
                    ("commercial_partner_id", "in", partners.ids),
                    ("invoice_date_due", "<", today),
                ],
                ["commercial_partner_id"],
                ["amount_residual_signed:sum", "invoice_date_due:min"],
            )
        }
        contacts = dict(
            self.env["ar.collection.contact"]
            .sudo()
            ._read_group(
                [("partner_id", "in", partners.ids)], ["partner_id"], ["date:max"]
            )
        )
        promises = dict(
            self.env["ar.collection.promise"]
            .sudo()
            ._read_group(
                [("partner_id", "in", partners.ids), ("state", "=", "open")],
                ["partner_id"],
                ["__count"],
            )
        )
        disputes = dict(
            self.env["ar.collection.dispute"]
            .sudo()
            ._read_group(
                [("partner_id", "in", partners.ids), ("state", "=", "open")],
                ["partner_id"],
                ["__count"],
            )
        )
        summaries = {}
        for partner in partners:
            amount, oldest = overdue.get(partner.id, (0.0, None))
            summaries[partner.id] = {
                "overdue": amount,
                "days_late": (today - oldest).days if oldest else 0,
                "stage": partner.collection_stage_id.name or _("none"),
                "last_contact": contacts.get(partner),
                "promises": promises.get(partner, 0),
                "disputes": disputes.get(partner, 0),
            }
        return summaries

    @api.model
    def _ar_summary_html(self, partner, summary, company, fallback_note):
        last = summary["last_contact"]
        rows = [
            (
                _("Overdue"),
                formatLang(
                    self.env, summary["overdue"], currency_obj=company.currency_id
                ),
            ),
            (_("Oldest days late"), str(summary["days_late"])),
            (_("Collection stage"), summary["stage"]),
            (_("Last contact"), format_date(self.env, last) if last else _("never")),
            (_("Open promises to pay"), str(summary["promises"])),
            (_("Open disputes"), str(summary["disputes"])),
        ]
        body = Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li>%s: %s</li>") % row for row in rows
        )
        if fallback_note:
            body = Markup("<p>%s</p>%s") % (fallback_note, body)
        return body

    # Handler -------------------------------------------------------------------------

    @api.model
    def _ar_action_notify(self, customer_actions):
        if not customer_actions:
            return {}
        outcomes = {}
        by_company = {}
        for customer_action in customer_actions:
            company = (
                customer_action.moves.company_id[:1]
                or customer_action.partner.env.company
            )
            by_company.setdefault(company, []).append(customer_action)
        activity_model = self.env["ir.model"]._get_id("res.partner")
        todo = self.env.ref("mail.mail_activity_data_todo")
        vals_list = []
        owners = []
        for company, actions in by_company.items():
            today = actions[0].today or fields.Date.context_today(self)
            partners = self.env["res.partner"].browse(
                {action.partner.id for action in actions}
            )
            summaries = self._ar_collection_summaries(partners, company, today)
            logins = {
                action.action.params.get("who")
                for action in actions
                if action.action.params.get("who")
            }
            cache = {
                "logins": {
                    user.login: user
                    for user in self.env["res.users"]
                    .sudo()
                    .search([("login", "in", list(logins))])
                }
            }
            for action in actions:
                partner = action.partner
                params = action.action.params
                who = params.get("who") or "salesperson"
                users, fallback_note = self._ar_notify_users(
                    partner, who, company, cache
                )
                summary_text = params.get("summary") or _(
                    "Collections: %(customer)s", customer=partner.display_name
                )
                body = self._ar_summary_html(
                    partner, summaries[partner.id], company, fallback_note
                )
                partner.sudo().message_post(
                    body=Markup("<p>%s</p>%s") % (summary_text, body),
                    subtype_xmlid="mail.mt_note",
                    partner_ids=users.partner_id.ids,
                )
                for user in users:
                    vals_list.append(
                        {
                            "res_model_id": activity_model,
                            "res_id": partner.id,
                            "activity_type_id": todo.id,
                            "summary": summary_text,
                            "note": body,
                            "date_deadline": today,
                            "user_id": user.id,
                        }
                    )
                    owners.append(action)
                outcomes[action] = {
                    "state": "done" if users else "failed",
                    "result": (fallback_note + " " if fallback_note else "")
                    + _("Notified: %(users)s", users=", ".join(users.mapped("name")))
                    if users
                    else _("Nobody to notify for %(customer)s.", customer=partner.name),
                }
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        for action, activity in zip(owners, activities, strict=True):
            outcomes[action].setdefault("activity_id", activity.id)
        return outcomes
