import { registry } from "@web/core/registry";

function yamlEditor() {
    return window.ace.edit(document.querySelector(".o_field_widget[name=yaml_source] .ace_editor"));
}

registry.category("web_tour.tours").add("ar_collections_ladder_edit", {
    url: "/odoo/action-ar_collections.ar_dunning_ladder_action",
    steps: () => [
        {
            content: "Open the shipped ladder",
            trigger: ".o_data_row td:contains('Standard B2B reminders')",
            run: "click",
        },
        {
            content: "The steps are shown as a table",
            trigger: ".o_notebook a:contains('Steps')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=step_ids] td:contains('final_demand')",
        },
        {
            content: "Back to the YAML",
            trigger: ".o_notebook a:contains('Ladder (YAML)')",
            run: "click",
        },
        {
            content: "Break the YAML: a day that is not a number",
            trigger: ".o_field_widget[name=yaml_source] .ace_editor",
            run() {
                const editor = yamlEditor();
                editor.setValue(editor.getValue().replace("day: 7", "day: seven"), 1);
                editor.blur();
            },
        },
        {
            content: "Press Validate",
            trigger: "button[name=action_validate]",
            run: "click",
        },
        {
            content: "The error names the line, the key path and what was expected",
            trigger: ".modal .modal-body:contains('steps[1].day'):contains('line 13')",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The live problem list shows it too",
            trigger: ".o_ar_ladder_problems:contains('steps[1].day')",
        },
        {
            content: "Fix the YAML",
            trigger: ".o_field_widget[name=yaml_source] .ace_editor",
            run() {
                const editor = yamlEditor();
                editor.setValue(editor.getValue().replace("day: seven", "day: 8"), 1);
                editor.blur();
            },
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            trigger: ".o_notebook a:contains('Steps')",
            run: "click",
        },
        {
            content: "The steps table follows the saved YAML",
            trigger: ".o_field_widget[name=step_ids] tr:has(td:contains('first_notice')) td:contains('8')",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_ladder_preview", {
    url: "/odoo/action-ar_collections.ar_dunning_ladder_action",
    steps: () => [
        {
            trigger: ".o_data_row td:contains('Standard B2B reminders')",
            run: "click",
        },
        {
            content: "Open the preview",
            trigger: "button[name=action_preview]",
            run: "click",
        },
        {
            content: "Compute it for today",
            trigger: ".modal button[name=action_compute]",
            run: "click",
        },
        {
            content: "Which customer gets which message",
            trigger: ".modal .o_field_widget[name=message_line_ids] td:contains('Tour Customer')",
        },
        {
            trigger: ".modal .o_field_widget[name=message_line_ids] td:contains('first_notice')",
        },
        {
            content: "Which invoice gets which step",
            trigger: ".modal a:contains('Steps per invoice')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=invoice_line_ids] td:contains('first_notice')",
        },
        {
            trigger: ".modal button:contains('Close')",
            run: "click",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_run_now", {
    url: "/odoo/action-ar_collections.account_move_action_collections",
    steps: () => [
        {
            content: "The invoice starts in the Current column",
            trigger: ".o_kanban_group:has(.o_column_title:contains('Current')) .o_kanban_record:contains('Tour Customer')",
        },
        {
            content: "Go to the ladders",
            trigger: ".o_main_navbar button:contains('Configuration')",
            run: "click",
        },
        {
            trigger: ".dropdown-menu a:contains('Collection ladders')",
            run: "click",
        },
        {
            content: "Run the collections now",
            trigger: ".o_control_panel button[name=action_run_now]",
            run: "click",
        },
        {
            content: "A notification says the run is queued",
            trigger: ".o_notification:contains('queued')",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_run_now_result", {
    url: "/odoo/action-ar_collections.account_move_action_collections",
    steps: () => [
        {
            content: "Once the queued run has run, the invoice is in the Overdue column",
            trigger: ".o_kanban_group:has(.o_column_title:contains('Overdue')) .o_kanban_record:contains('Tour Customer')",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_exclude_invoice", {
    url: "/odoo/action-ar_collections.account_move_action_collections?view_type=list",
    steps: () => [
        {
            content: "Open the invoice",
            trigger: ".o_data_row td:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "Exclude it from dunning",
            trigger: "button[name=action_collection_exclude]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] input",
            run: "edit Customer disputes the delivery",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The invoice says it is excluded, and why",
            trigger: ".alert-warning:contains('Excluded from dunning'):contains('Customer disputes the delivery')",
        },
        {
            trigger: ".o_main_navbar button:contains('Collections')",
            run: "click",
        },
        {
            trigger: ".dropdown-menu a:contains('Excluded invoices')",
            run: "click",
        },
        {
            content: "It stays visible under the Excluded filter",
            trigger: ".o_data_row:contains('Tour Customer')",
        },
    ],
});
