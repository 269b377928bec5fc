import contextlib
import contextvars

from odoo import models

# (model, id) of the records whose guarded fields their own methods are changing
# now. A context variable is local to the thread (and task) that sets it and no RPC
# argument, import or context key reaches it.
_UNLOCKED = contextvars.ContextVar("ar_collections_unlocked", default=frozenset())


class ArWorkflowGuard(models.AbstractModel):
    """The one way a model's own methods change the fields its ``write()`` guards
    (state, decisions, frozen terms), after they checked who may do it.

    Cases and approvals refuse those fields in ``create()``/``write()`` for every
    caller; their workflow methods write them inside ``_ar_unlocked()``, on the
    records they were called on only.
    """

    _name = "ar.workflow.guard"
    _description = "Guarded workflow fields"

    @contextlib.contextmanager
    def _ar_unlocked(self):
        """Within this block, these records' guarded fields may be written."""
        token = _UNLOCKED.set(
            _UNLOCKED.get() | {(self._name, record_id) for record_id in self.ids}
        )
        try:
            yield
        finally:
            _UNLOCKED.reset(token)

    def _ar_is_unlocked(self):
        """Whether these records (at least one) are being changed by their own
        methods now; never for an empty recordset, as in ``create()``."""
        unlocked = _UNLOCKED.get()
        return bool(self.ids) and all(
            (self._name, record_id) in unlocked for record_id in self.ids
        )

    def _ar_write_unlocked(self, vals):
        """write() for the model's own methods, after their own checks."""
        with self._ar_unlocked():
            return self.write(vals)
