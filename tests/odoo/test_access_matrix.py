"""Who may do what: one table of rights, walked for every group, through the ORM
(``with_user``) and, for a few rows, through the JSON-RPC route of a real server.

Each row of the table is an operation (a model access right, a privileged method,
a write of a protected field, a context key that must unlock nothing) and the set
of groups allowed to do it; every other group must be refused (``AccessError`` or
``UserError``). Each attempt runs in a savepoint that is rolled back, so the rows
do not depend on each other. The test reports every mismatch at once.

Internal users get ``base.group_partner_manager`` ("Contact Creation") besides
their group, as Odoo's default user template gives every new internal user: a
control on customer fields must hold for users who may edit contacts.
"""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import MONDAY, CollectionsCase
from .test_notify import LARGE_LADDER

CONTACTS = "base.group_partner_manager"
# group key -> groups of its user (comma-separated XML ids)
GROUPS = {
    "employee": f"base.group_user,{CONTACTS}",
    "collector": f"ar_collections.group_collections_user,{CONTACTS}",
    "manager": "ar_collections.group_collections_manager",
    "credit_control": f"ar_collections.group_credit_control,{CONTACTS}",
    "salesperson": f"sales_team.group_sale_salesman,{CONTACTS}",
    "billing": f"account.group_account_invoice,{CONTACTS}",
    "portal": "base.group_portal",
}
GROUP_ORDER = tuple(GROUPS)
NOBODY = frozenset()
MANAGER = frozenset({"manager"})
CREDIT_CONTROL = frozenset({"credit_control"})

# Model access rights (ir.model.access.csv and the README's groups table), one
# column per group of GROUP_ORDER: r(ead) w(rite) c(reate) u(nlink).
#  model                          employee collector manager credit sales billing portal
ACL = {
    "ar.collection.stage": ("", "r", "rwcu", "r", "", "r", ""),
    "ar.dunning.ladder": ("", "r", "rwcu", "", "", "", ""),
    "ar.dunning.step": ("", "r", "rwcu", "", "", "", ""),
    "ar.collection.event": ("", "r", "rwc", "", "", "", ""),
    "ar.collection.notice": ("", "r", "rwc", "", "", "", ""),
    "ar.credit.hold": ("r", "r", "rwc", "r", "r", "r", ""),
    "ar.credit.recommendation": ("", "rwc", "rwcu", "rw", "", "", ""),
    "ar.collection.ageing": ("", "r", "r", "", "", "", ""),
    "ar.collection.kpi": ("", "r", "r", "", "", "", ""),
    "ar.collection.worklist": ("", "r", "r", "", "", "", ""),
    "ar.collection.contact": ("", "rwc", "rwcu", "", "", "", ""),
    "ar.collection.promise": ("", "rwc", "rwcu", "", "", "", ""),
    "ar.collection.dispute": ("r", "rwc", "rwcu", "r", "r", "r", ""),
    "ar.payment.plan": ("", "rwc", "rwcu", "", "", "", ""),
    "ar.payment.plan.instalment": ("", "rwcu", "rwcu", "", "", "", ""),
    "ar.collector.rule": ("", "r", "rwcu", "", "", "", ""),
    "ar.write.off.request": ("", "rwcu", "rwcu", "", "", "", ""),
    "ar.write.off.approval": ("", "r", "r", "", "", "", ""),
    "ar.write.off.postmortem": ("", "r", "rwc", "", "", "", ""),
    "ar.write.off.action.item": ("", "rw", "rwcu", "", "", "", ""),
    "ar.agency.referral": ("", "rwcu", "rwcu", "r", "", "r", ""),
    "ar.agency.referral.line": ("", "rwcu", "rwcu", "r", "", "r", ""),
    "ar.agency.referral.update": ("", "rc", "rwcu", "", "", "", ""),
    "ar.legal.case": ("", "rw", "rwc", "r", "", "r", ""),
    "ar.calling.hours": ("", "rwcu", "rwcu", "", "", "", ""),
    "ar.collection.cost": ("", "", "r", "", "", "", ""),
    "ar.reference.rate": ("", "r", "rwcu", "", "", "", ""),
    "ar.collection.charge": ("", "r", "rw", "r", "", "r", ""),
    "ar.goods.return": ("", "rwcu", "rwcu", "", "", "", ""),
    "ar.goods.return.line": ("", "rwcu", "rwcu", "", "", "", ""),
    "ar.goods.return.approval": ("", "r", "r", "", "", "", ""),
}
# Added by the sale bridge ar_collections_sale when it is installed.
SALE_ACL = {"ar.collection.stage": {"salesperson": "r"}}
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}


def _browse(env, record):
    """``record`` in the environment of the user under test."""
    return env[record._name].browse(record.ids)


def _acl_op(model, operation):
    def attempt(case, env):
        env[model].browse().check_access(operation)

    return attempt


def _load_or_raise(env, model, fields, rows):
    """An import (``load``) that raises when it reports an error, as a UI would."""
    result = env[model].load(fields, rows)
    errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
    if errors or not result.get("ids"):
        raise UserError("; ".join(m.get("message", "") for m in errors) or "nothing")


# Privileged operations: (row name, groups allowed, attempt(case, env)).
# ``case`` holds the fixtures (superuser records); ``env`` is the tested user's.
PRIVILEGED = [
    # Credit hold ---------------------------------------------------------------------
    (
        "res.partner.action_credit_hold",
        MANAGER,
        lambda case, env: _browse(env, case.cust_free).action_credit_hold("Matrix"),
    ),
    (
        "res.partner.action_credit_release",
        MANAGER,
        lambda case, env: _browse(env, case.cust_held).action_credit_release("Paid"),
    ),
    (
        "ar.credit.hold.action_release",
        MANAGER,
        lambda case, env: _browse(env, case.hold).action_release("Paid"),
    ),
    (
        "ar.credit.hold write state=released (no context)",
        NOBODY,
        lambda case, env: _browse(env, case.hold).write({"state": "released"}),
    ),
    (
        "ar.credit.hold write state=released with ar_credit_hold_transition",
        NOBODY,
        lambda case, env: (
            _browse(env, case.hold)
            .with_context(ar_credit_hold_transition=True)
            .write({"state": "released", "release_reason": "forged"})
        ),
    ),
    # Manager-only customer fields (write, create, import) ----------------------------
    (
        "res.partner write collector_id",
        MANAGER,
        lambda case, env: _browse(env, case.cust_a).write(
            {"collector_id": case.other_collector.id}
        ),
    ),
    (
        "res.partner create with collector_id",
        MANAGER,
        lambda case, env: env["res.partner"].create(
            {"name": "New customer", "collector_id": case.other_collector.id}
        ),
    ),
    (
        "res.partner import (load) collector_id",
        MANAGER,
        lambda case, env: _load_or_raise(
            env,
            "res.partner",
            [".id", "collector_id/.id"],
            [[str(case.cust_a.id), str(case.other_collector.id)]],
        ),
    ),
    (
        "res.partner write collection_ladder_id (customer ladder override)",
        MANAGER,
        lambda case, env: _browse(env, case.cust_a).write(
            {"collection_ladder_id": case.ladder.id}
        ),
    ),
    (
        "res.partner write collection_excluded (customer exclusion)",
        MANAGER,
        lambda case, env: _browse(env, case.cust_a).write(
            {"collection_excluded": True, "collection_exclusion_reason": "Matrix"}
        ),
    ),
    (
        "res.partner write collection_exclusion_until",
        MANAGER,
        lambda case, env: _browse(env, case.cust_a).write(
            {"collection_exclusion_until": MONDAY + timedelta(days=300)}
        ),
    ),
    (
        "res.partner write agency_email (case-file e-mail)",
        MANAGER,
        lambda case, env: _browse(env, case.agency).write(
            {"agency_email": "attacker@example.com"}
        ),
    ),
    (
        "res.partner write agency_commission_rate",
        MANAGER,
        lambda case, env: _browse(env, case.agency).write(
            {"agency_commission_rate": 50.0}
        ),
    ),
    (
        "res.partner write agency_minimum_fee",
        MANAGER,
        lambda case, env: _browse(env, case.agency).write(
            {"agency_minimum_fee": 999.0}
        ),
    ),
    # Ladders, runs, stages -----------------------------------------------------------
    (
        "ar.dunning.ladder write yaml_source",
        MANAGER,
        lambda case, env: _browse(env, case.ladder).write(
            {"yaml_source": case.ladder.yaml_source + "\n# edited\n"}
        ),
    ),
    (
        "ar.dunning.ladder.action_run_now",
        MANAGER,
        lambda case, env: _browse(env, case.ladder).action_run_now(),
    ),
    (
        "ar.dunning.ladder.run_collections",
        MANAGER,
        lambda case, env: env["ar.dunning.ladder"].run_collections(today=MONDAY),
    ),
    (
        "ar.collection.stage write",
        MANAGER,
        lambda case, env: _browse(env, case.stage).write({"name": "Renamed"}),
    ),
    (
        "ar.collection.stage unlink",
        MANAGER,
        lambda case, env: _browse(env, case.stage).unlink(),
    ),
    # Agency referral -----------------------------------------------------------------
    (
        "ar.agency.referral.action_send",
        MANAGER,
        lambda case, env: _browse(env, case.draft_referral).action_send(),
    ),
    (
        "ar.agency.referral.action_recall",
        MANAGER,
        lambda case, env: _browse(env, case.sent_referral).action_recall("Matrix"),
    ),
    (
        "ar.agency.referral.action_close_recovered",
        MANAGER,
        lambda case, env: _browse(env, case.sent_referral).action_close_recovered(),
    ),
    (
        "ar.agency.referral.action_close_returned",
        MANAGER,
        lambda case, env: _browse(env, case.sent_referral).action_close_returned(
            "Matrix"
        ),
    ),
    (
        "ar.agency.referral write commission_rate after sending",
        NOBODY,
        lambda case, env: _browse(env, case.sent_referral).write(
            {"commission_rate": 50.0}
        ),
    ),
    (
        "ar.agency.referral write commission_minimum after sending",
        NOBODY,
        lambda case, env: _browse(env, case.sent_referral).write(
            {"commission_minimum": 999.0}
        ),
    ),
    (
        "ar.agency.referral write move_ids after sending",
        NOBODY,
        lambda case, env: _browse(env, case.sent_referral).write(
            {"move_ids": [Command.link(case.inv_a.id)]}
        ),
    ),
    (
        "ar.agency.referral.line write amount_referred after sending",
        NOBODY,
        lambda case, env: _browse(env, case.sent_referral.line_ids).write(
            {"amount_referred": 1.0}
        ),
    ),
    (
        "ar.agency.referral write state=closed with ar_referral_transition",
        NOBODY,
        lambda case, env: (
            _browse(env, case.sent_referral)
            .with_context(ar_referral_transition=True)
            .write({"state": "closed", "close_reason": "recovered"})
        ),
    ),
    (
        "ar.agency.referral write commission_rate with ar_referral_transition",
        NOBODY,
        lambda case, env: (
            _browse(env, case.sent_referral)
            .with_context(ar_referral_transition=True)
            .write({"commission_rate": 50.0})
        ),
    ),
    # Legal cases ---------------------------------------------------------------------
    (
        "ar.legal.case create",
        MANAGER,
        lambda case, env: env["ar.legal.case"].create(
            {
                "partner_id": case.cust_legal.id,
                "move_ids": [Command.set(case.inv_legal.ids)],
                "user_id": case.users["manager"].id,
            }
        ),
    ),
    (
        "res.partner.action_send_to_legal",
        MANAGER,
        lambda case, env: _browse(env, case.cust_legal).action_send_to_legal(),
    ),
    (
        "ar.legal.case write state (no action)",
        NOBODY,
        lambda case, env: _browse(env, case.legal_case).write({"state": "won"}),
    ),
    (
        "ar.legal.case.action_won",
        MANAGER,
        lambda case, env: _browse(env, case.legal_case).action_won(),
    ),
    # Payment plans -------------------------------------------------------------------
    (
        "ar.payment.plan write state=active (no activation)",
        NOBODY,
        lambda case, env: _browse(env, case.plan).write({"state": "active"}),
    ),
    (
        "ar.payment.plan write state=completed (no payment)",
        NOBODY,
        lambda case, env: _browse(env, case.plan).write({"state": "completed"}),
    ),
    # Write-off requests --------------------------------------------------------------
    (
        "ar.write.off.request.action_approve of another's request",
        MANAGER,
        lambda case, env: _browse(env, case.write_off_of_other).action_approve(),
    ),
    (
        "ar.write.off.request.action_approve by its requester",
        NOBODY,
        lambda case, env: _browse(env, case._own_write_off(env)).action_approve(),
    ),
    (
        "ar.write.off.request create naming another requester, then approve",
        NOBODY,
        lambda case, env: case._forged_write_off(env).action_approve(),
    ),
    (
        "ar.write.off.request write state=approved",
        NOBODY,
        lambda case, env: _browse(env, case.write_off_of_other).write(
            {"state": "approved"}
        ),
    ),
    # Credit-limit recommendations ----------------------------------------------------
    (
        "ar.credit.recommendation.action_approve of another's",
        CREDIT_CONTROL,
        lambda case, env: _browse(env, case.recommendation).action_approve(),
    ),
    (
        "ar.credit.recommendation.action_approve by its requester",
        NOBODY,
        lambda case, env: _browse(env, case._own_recommendation(env)).action_approve(),
    ),
    (
        "ar.credit.recommendation rewrite requested_by_id, then approve",
        NOBODY,
        lambda case, env: case._forged_recommendation(env).action_approve(),
    ),
    (
        "ar.credit.recommendation write state=approved, ar_recommendation_transition",
        NOBODY,
        lambda case, env: (
            _browse(env, case.recommendation)
            .with_context(ar_recommendation_transition=True)
            .write({"state": "approved"})
        ),
    ),
]


def matrix_rows(sale_bridge=False):
    """Every row of the matrix: (name, groups allowed, attempt)."""
    rows = []
    for model, rights in ACL.items():
        extra = SALE_ACL.get(model, {}) if sale_bridge else {}
        for letter, operation in OPERATIONS.items():
            allowed = frozenset(
                group
                for group, granted in zip(GROUP_ORDER, rights, strict=True)
                if letter in granted + extra.get(group, "")
            )
            rows.append(
                (
                    f"{model} {operation} (access right)",
                    allowed,
                    _acl_op(model, operation),
                )
            )
    rows.extend(PRIVILEGED)
    return rows


def _make_users(env, company, prefix):
    return {
        key: new_test_user(
            env,
            login=f"{prefix}_{key}",
            name=f"Matrix {key}",
            email=f"{prefix}.{key}@example.com",
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        for key, groups in GROUPS.items()
    }


@tagged("post_install", "-at_install")
class TestAccessMatrix(CollectionsCase):
    """The whole table of rights, through ``with_user()``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.ar_bad_debt_account_id = cls.company_data["default_account_expense"]
        cls.users = _make_users(cls.env, cls.company, "mx")
        # Another collector than the customers' own (cls.collector): changing the
        # collector to them is a real change.
        cls.other_collector = new_test_user(
            cls.env,
            login="mx_other_collector",
            name="Matrix other collector",
            email="mx.other.collector@example.com",
            groups="ar_collections.group_collections_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        due = MONDAY - timedelta(days=40)
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Matrix Agency",
                "is_company": True,
                "is_collection_agency": True,
                "collection_agency_code": "matrix",
                "agency_commission_rate": 10.0,
                "agency_minimum_fee": 50.0,
                "email": "office@agency.example",
                "agency_email": "cases@agency.example",
            }
        )

        def customer(name):
            return cls._make_customer(name, f"{name.lower()}@example.com")

        cls.cust_a = customer("Alpha")
        cls.inv_a = cls._make_invoice(cls.cust_a, due)
        cls.draft_referral = cls.env["ar.agency.referral"].create(
            {
                "partner_id": cls.cust_a.id,
                "agency_id": cls.agency.id,
                "move_ids": [Command.set(cls.inv_a.ids)],
            }
        )
        cls.cust_b = customer("Bravo")
        cls.inv_b = cls._make_invoice(cls.cust_b, due)
        cls.sent_referral = cls.env["ar.agency.referral"].create(
            {
                "partner_id": cls.cust_b.id,
                "agency_id": cls.agency.id,
                "move_ids": [Command.set(cls.inv_b.ids)],
            }
        )
        cls.sent_referral.action_send()
        cls.cust_free = customer("Free")
        cls.cust_held = customer("Held")
        cls.cust_held.action_credit_hold("Pays late")
        cls.hold = cls.cust_held.credit_hold_id
        cls.stage = cls.env["ar.collection.stage"].create(
            {"name": "Matrix stage", "code": "matrix_stage", "sequence": 99}
        )
        cls.cust_legal = customer("Legal")
        cls.inv_legal = cls._make_invoice(cls.cust_legal, due)
        cls.cust_case = customer("Case")
        cls.legal_case = cls.env["ar.legal.case"]._open_cases(
            cls.cust_case, cls._make_invoice(cls.cust_case, due)
        )
        cls.cust_plan = customer("Plan")
        inv_plan = cls._make_invoice(cls.cust_plan, due)
        cls.plan = cls.env["ar.payment.plan"].create(
            {
                "partner_id": cls.cust_plan.id,
                "move_ids": [Command.set(inv_plan.ids)],
                "amount_total": inv_plan.amount_residual,
            }
        )
        cls.cust_wo = customer("Writeoff")
        cls.inv_wo = cls._make_invoice(cls.cust_wo, due)
        cls.inv_wo_own = cls._make_invoice(cls.cust_wo, due)
        cls.inv_wo_forged = cls._make_invoice(cls.cust_wo, due)
        cls.write_off_of_other = cls._write_off(cls.other_collector)
        cls.recommendation = cls._recommendation(cls.other_collector)

    # Fixtures made inside an attempt (rolled back with it) ---------------------------

    @classmethod
    def _write_off(cls, requester, moves=None):
        """A submitted write-off request (manager band) made by ``requester``: the
        requester is whoever submits, so ``requester`` creates and submits it."""
        request = (
            cls.env["ar.write.off.request"]
            .with_user(requester)
            .sudo()
            .create(
                {
                    "partner_id": cls.cust_wo.id,
                    "move_ids": [Command.set((moves or cls.inv_wo).ids)],
                    "reason": "dispute_settlement",
                    "requester_id": requester.id,
                }
            )
        )
        request.action_submit()
        return request.sudo(False)

    @classmethod
    def _recommendation(cls, requester):
        recommendation = (
            cls.env["ar.credit.recommendation"]
            .with_user(requester)
            .sudo()
            .create(
                {
                    "partner_id": cls.cust_free.id,
                    "new_limit": 5000.0,
                    "reason": "Pays late",
                    "requested_by_id": requester.id,
                }
            )
        )
        recommendation.action_submit()
        return recommendation.sudo(False).with_env(cls.env)

    def _own_write_off(self, env):
        return self._write_off(env.user, self.inv_wo_own)

    def _forged_write_off(self, env):
        """The user creates a request naming another user as the requester."""
        request = env["ar.write.off.request"].create(
            {
                "partner_id": self.cust_wo.id,
                "move_ids": [Command.set(self.inv_wo_forged.ids)],
                "reason": "dispute_settlement",
                "requester_id": self.other_collector.id,
            }
        )
        request.action_submit()
        return request

    def _own_recommendation(self, env):
        return self._recommendation(env.user)

    def _forged_recommendation(self, env):
        """A draft of the user's own, rewritten as another user's, then submitted."""
        draft = self.env["ar.credit.recommendation"].create(
            {
                "partner_id": self.cust_free.id,
                "new_limit": 7000.0,
                "reason": "Mine",
                "requested_by_id": env.user.id,
            }
        )
        mine = _browse(env, draft)
        mine.write({"requested_by_id": self.other_collector.id})
        mine.action_submit()
        return mine

    # The walk ------------------------------------------------------------------------

    def _attempt(self, user, attempt):
        """('allowed' | 'refused' | 'error', exception) of one attempt, rolled back."""
        savepoint = self.env.cr.savepoint()
        try:
            env = self.env(user=user, su=False)
            attempt(self, env)
            env.flush_all()
        except (AccessError, UserError) as error:
            return "refused", error
        except Exception as error:  # noqa: BLE001 - reported as a mismatch
            return "error", error
        else:
            return "allowed", None
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all(flush=False)

    def test_access_matrix(self):
        mismatches = []
        sale_bridge = bool(
            self.env["ir.module.module"].search_count(
                [("name", "=", "ar_collections_sale"), ("state", "=", "installed")]
            )
        )
        rows = matrix_rows(sale_bridge)
        for name, allowed, attempt in rows:
            for group in GROUP_ORDER:
                expected = "allowed" if group in allowed else "refused"
                outcome, error = self._attempt(self.users[group], attempt)
                if outcome != expected:
                    why = f" ({type(error).__name__}: {error})" if error else ""
                    why = why.replace("\n", " ")[:300]
                    mismatches.append(
                        f"{name} | {group}: expected {expected}, got {outcome}{why}"
                    )
        self.assertFalse(
            mismatches,
            f"{len(mismatches)} of {len(rows) * len(GROUP_ORDER)} checks of the "
            "access matrix do not hold:\n" + "\n".join(mismatches),
        )


@tagged("post_install", "-at_install")
class TestAccessMatrixRpc(HttpCase):
    """A few rows of the matrix through ``/web/dataset/call_kw`` of a real server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.users = _make_users(cls.env, company, "rpc")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "RPC Customer",
                "is_company": True,
                "collector_id": cls.users["collector"].id,
            }
        )
        cls.env["ar.credit.hold"]._hold(cls.customer, "Pays late", source="manual")

    def call_kw(self, key, model, method, args, kwargs=None):
        """Call ``model.method(*args, **kwargs)`` over JSON-RPC as the user ``key``."""
        login = self.users[key].login
        self.authenticate(login, login + "x" * (8 - len(login)))
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def assertRefused(self, key, model, method, args, kwargs=None):
        with self.assertRaises(JsonRpcException) as caught:
            self.call_kw(key, model, method, args, kwargs)
        self.assertIn(
            str(caught.exception),
            (
                "odoo.exceptions.AccessError",
                "odoo.exceptions.UserError",
                "odoo.exceptions.ValidationError",
            ),
            f"{key} calling {model}.{method} over RPC",
        )

    def test_collector_cannot_reassign_customer(self):
        other = self.users["salesperson"]
        for key in ("collector", "salesperson", "billing"):
            self.assertRefused(
                key,
                "res.partner",
                "write",
                [self.customer.ids, {"collector_id": other.id}],
            )
        self.assertEqual(self.customer.collector_id, self.users["collector"])
        self.call_kw(
            "manager",
            "res.partner",
            "write",
            [self.customer.ids, {"collector_id": other.id}],
        )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.collector_id, other)

    def test_credit_release_needs_a_manager(self):
        for key in ("collector", "salesperson", "credit_control"):
            self.assertRefused(
                key, "res.partner", "action_credit_release", [self.customer.ids, "RPC"]
            )
        self.customer.invalidate_recordset()
        self.assertTrue(self.customer.credit_hold)
        self.call_kw(
            "manager",
            "res.partner",
            "action_credit_release",
            [self.customer.ids, "Paid"],
        )
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.credit_hold)

    def test_context_key_unlocks_nothing_over_rpc(self):
        hold = self.customer.credit_hold_id
        self.assertRefused(
            "manager",
            "ar.credit.hold",
            "write",
            [hold.ids, {"state": "released"}],
            {"context": {"ar_credit_hold_transition": True}},
        )
        hold.invalidate_recordset()
        self.assertEqual(hold.state, "active")

    def test_ladder_naming_nobody_is_refused_over_rpc(self):
        """The check of the people a step names holds for a manager's RPC write:
        the ladder is refused and keeps its previous version."""
        ladder = self.env["ar.dunning.ladder"].create(
            {
                "yaml_source": LARGE_LADDER % "salesperson",
                "company_id": self.env.company.id,
            }
        )
        for who in ("nobody_here", "base.no_such_group", self.users["portal"].login):
            with self.subTest(who=who):
                self.assertRefused(
                    "manager",
                    "ar.dunning.ladder",
                    "write",
                    [ladder.ids, {"yaml_source": LARGE_LADDER % who}],
                )
        ladder.invalidate_recordset()
        self.assertIn("{who: salesperson", ladder.yaml_source)

    def test_approval_rows_are_not_created_over_rpc(self):
        """Approval rows come from a request's submission only: not even a
        manager creates one, pending or decided, through RPC."""
        customer = self.customer
        request = self.env["ar.write.off.request"].create(
            {"partner_id": customer.id, "reason": "uncollectible"}
        )
        for state in ("pending", "approved"):
            with self.subTest(state=state):
                self.assertRefused(
                    "manager",
                    "ar.write.off.approval",
                    "create",
                    [{"request_id": request.id, "state": state}],
                )
        self.assertFalse(request.approval_ids)

    def test_collector_cannot_open_a_legal_case_over_rpc(self):
        for context in ({}, {"ar_collections_workflow_write": True}):
            with self.subTest(context=context):
                with self.assertRaises(JsonRpcException) as caught:
                    self.call_kw(
                        "collector",
                        "ar.legal.case",
                        "create",
                        [{"partner_id": self.customer.id}],
                        {"context": context},
                    )
                self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError")
        self.assertFalse(
            self.env["ar.legal.case"].search([("partner_id", "=", self.customer.id)])
        )

    def test_write_off_workflow_fields_are_not_written_over_rpc(self):
        """Not even a manager, with or without a context key, sets a request's
        state or amount through ``write``."""
        request = self.env["ar.write.off.request"].create(
            {"partner_id": self.customer.id, "reason": "uncollectible"}
        )
        for context in ({}, {"ar_collections_workflow_write": True}):
            for vals in (
                {"state": "approved"},
                {"amount": 1.0},
                {"band_description": "forged band"},
                {"decision_comment": "forged"},
            ):
                with self.subTest(context=context, vals=vals):
                    self.assertRefused(
                        "manager",
                        "ar.write.off.request",
                        "write",
                        [request.ids, vals],
                        {"context": context},
                    )
        request.invalidate_recordset()
        self.assertEqual((request.state, request.amount), ("draft", 0.0))
        self.assertFalse(request.band_description or request.decision_comment)

    def test_collector_cannot_run_the_ladders(self):
        self.assertRefused(
            "collector", "ar.dunning.ladder", "run_collections", [], {"dry_run": True}
        )
