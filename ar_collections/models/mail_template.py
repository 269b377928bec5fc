import logging

from lxml import html
from markupsafe import Markup

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import safe_eval

_logger = logging.getLogger(__name__)

BATCH_RENDER_MODELS = ("ar.collection.notice",)


class MailTemplate(models.Model):
    """The run's notices: a template's QWeb body is compiled once for all the
    notices it renders in one language, not once per notice (Odoo parses and
    compiles the raw template again for every record, most of a run's e-mail
    time). The rendering itself, its values and its checks are Odoo's."""

    _inherit = "mail.template"

    @api.model
    def _render_template_qweb(
        self, template_src, model, res_ids, add_context=None, options=None
    ):
        if (
            model not in BATCH_RENDER_MODELS
            or len(res_ids or ()) < 2
            or not self._has_unsafe_expression_template_qweb(template_src, model)
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        is_restricted = (
            not self._unrestricted_rendering
            and not self.env.is_admin()
            and not self.env.user.has_group("mail.group_mail_template_editor")
        )
        if is_restricted:
            # Odoo's path checks forbidden code per record: keep it for them
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        variables = self._render_eval_context()
        if add_context:
            variables.update(**add_context)
        qweb = self.env["ir.qweb"].with_context(**(options or {}))
        results = {}
        try:
            element = html.fragment_fromstring(template_src, create_parent="div")
            functions, def_name = qweb._prepare_environment(dict(variables))._compile(
                element
            )
            render = functions[def_name]
            for record in self.env[model].browse(res_ids):
                values = dict(variables, object=record)
                record_qweb = qweb._prepare_environment(values)
                safe_eval.check_values(values)
                # without the <div> that wraps the template's nodes
                results[record.id] = Markup("".join(render(record_qweb, values)))[5:-6]
        except Exception as error:
            _logger.info("Failed to render template: %s", template_src, exc_info=True)
            raise UserError(
                _(
                    "Failed to render QWeb template: %(template_src)s\n\n%(error)s",
                    template_src=template_src,
                    error=error,
                )
            ) from error
        return results
