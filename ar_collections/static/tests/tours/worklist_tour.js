import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ar_collections_worklist", {
    url: "/odoo/action-ar_collections.ar_collection_worklist_action",
    steps: () => [
        {
            content: "My worklist: the customer owing the most comes first",
            trigger: ".o_data_row:first-child td[name=partner_id]:contains('Tour Top Customer')",
        },
        {
            content: "The second customer is below",
            trigger: ".o_data_row:nth-child(2) td[name=partner_id]:contains('Tour Second Customer')",
        },
        {
            content: "Log a call with the top customer",
            trigger: ".o_data_row:first-child button[name=action_log_contact]",
            run: "click",
        },
        {
            content: "The call dialog opens for that customer",
            trigger: ".modal .o_field_widget[name=partner_id]:contains('Tour Top Customer')",
        },
        {
            content: "Write down what was said",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Cash-flow problem, pays next week",
        },
        {
            content: "The customer promises to pay",
            trigger: ".modal .o_field_widget[name=create_promise] input",
            run: "click",
        },
        {
            content: "The promise is prefilled with the overdue amount",
            trigger: ".modal .o_field_widget[name=promise_amount] input:value('9,000.00')",
        },
        {
            content: "Log it",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The promised customer left the top of the list",
            trigger: "body:not(:has(.modal)) .o_data_row:first-child td[name=partner_id]:contains('Tour Second Customer')",
        },
        {
            content: "It waits at the bottom with its promise",
            trigger: ".o_data_row:last-child td[name=partner_id]:contains('Tour Top Customer')",
        },
    ],
});
