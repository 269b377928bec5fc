import { registry } from "@web/core/registry";

// The salesperson opens a quotation of a customer on credit hold: a banner warns,
// and confirming is refused with the customer, the reason and who can release it.
registry.category("web_tour.tours").add("ar_collections_credit_hold_salesperson", {
    steps: () => [
        {
            content: "The quotation warns that the customer is on credit hold",
            trigger: ".o_ar_credit_hold_banner:contains('Cheque bounced')",
        },
        {
            content: "Try to confirm the quotation",
            trigger: ".o_form_statusbar button[name=action_confirm]:visible:first",
            run: "click",
        },
        {
            content: "Refused: the customer, the reason, who can release it",
            trigger:
                ".modal .modal-body:contains('Tour Customer'):contains('Cheque bounced'):contains('Collections Manager')",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Still a quotation",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Quotation')",
        },
    ],
});

// The collections manager finds the customer in "Customers on credit hold" and
// releases it with a reason.
registry.category("web_tour.tours").add("ar_collections_credit_hold_release", {
    steps: () => [
        {
            content: "The held customer is listed with its reason",
            trigger: ".o_data_row:contains('Tour Customer'):contains('Cheque bounced')",
        },
        {
            content: "Open the customer",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "The customer form shows the hold banner",
            trigger: ".o_ar_credit_hold_banner:contains('On credit hold since'):contains('Cheque bounced')",
        },
        {
            content: "Open the Collections tab",
            trigger: ".o_notebook a:contains('Collections')",
            run: "click",
        },
        {
            content: "Release the hold",
            trigger: "button[name=action_open_credit_release_wizard]",
            run: "click",
        },
        {
            content: "Give a reason",
            trigger: ".modal .o_field_widget[name=reason] input",
            run: "edit Paid by bank transfer",
        },
        {
            trigger: ".modal .modal-footer button[name=action_confirm]:visible",
            run: "click",
        },
        {
            content: "The banner is gone",
            trigger: ".o_form_view:not(:has(.o_ar_credit_hold_banner:visible))",
        },
        {
            content: "The release is in the chatter, with the reason",
            trigger: ".o-mail-Message:contains('Released from credit hold'):contains('Paid by bank transfer')",
        },
    ],
});
