import { registry } from "@web/core/registry";

/*
 * Agency referral: a collections manager selects a customer's two overdue
 * invoices, refers them to the default agency and sends the case at once, then
 * records the agency's report that everything was recovered, which closes it.
 */

registry.category("web_tour.tours").add("ar_collections_agency_referral", {
    steps: () => [
        {
            content: "Open the customer's invoices",
            trigger: ".o_form_view button[name=action_view_partner_invoices]",
            run: "click",
        },
        {
            content: "Both invoices are listed",
            trigger: ".o_list_view .o_data_row:nth-child(2)",
        },
        {
            content: "Select them",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the actions",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Refer to agency",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('Refer to agency')",
            run: "click",
        },
        {
            content: "The default agency is proposed",
            trigger: ".modal .o_field_widget[name=agency_id] input:value('Nordic Collect AS')",
        },
        {
            content: "With the two invoices",
            trigger: ".modal .o_field_widget[name=move_ids] .o_data_row:nth-child(2)",
        },
        {
            content: "Refer and send the case file",
            trigger: ".modal button[name=action_create_send]",
            run: "click",
        },
        {
            content: "The referral is sent (the case file takes a while to build)",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked=true]:contains('Sent')",
            timeout: 30000,
        },
        {
            content: "Record what the agency reports",
            trigger: ".o_form_view .o_form_statusbar button[name=action_open_update_wizard]",
            run: "click",
        },
        {
            content: "Everything was recovered",
            trigger: ".modal .o_field_widget[name=status] select",
            run: 'select "recovered"',
        },
        {
            content: "Amount collected",
            trigger: ".modal .o_field_widget[name=amount_collected] input",
            run: "edit 800",
        },
        {
            content: "Record the update",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The referral is closed",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked=true]:contains('Closed')",
        },
        {
            content: "As recovered",
            trigger: ".o_form_view .o_field_widget[name=close_reason]:contains('Recovered')",
        },
    ],
});
