/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ar_collections_letterhead_notice", {
    url: "/odoo/action-ar_collections.ar_collection_notice_action",
    steps: () => [
        {
            content: "The lawyer's letter of the customer",
            trigger: ".o_data_row td:contains('Letterhead Customer')",
            run: "click",
        },
        {
            content: "It is sent on the law firm's letterhead",
            trigger: ".o_field_widget[name=law_firm_id]:contains('Dupont & Associés')",
        },
        {
            trigger: ".o_field_widget[name=channel]:contains('Letter')",
        },
        {
            content: "The letter, to print, is filed with the notice",
            trigger: ".o_field_widget[name=attachment_id]:contains('.pdf')",
        },
    ],
});
