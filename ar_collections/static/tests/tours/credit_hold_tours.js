import { registry } from "@web/core/registry";

// A user of "Credit hold: override" posts an invoice of a held customer anyway.
registry.category("web_tour.tours").add("ar_collections_credit_hold_invoice_override", {
    steps: () => [
        {
            content: "The draft invoice warns that the customer is on credit hold",
            trigger: ".o_ar_credit_hold_banner:contains('Cheque bounced')",
        },
        {
            content: "Post anyway",
            trigger: "button[name=action_ar_credit_hold_override]",
            run: "click",
        },
        {
            content: "The wizard recalls the hold",
            trigger: ".modal .o_field_widget[name=hold_summary]:contains('Cheque bounced')",
        },
        {
            content: "Give a reason",
            trigger: ".modal .o_field_widget[name=reason] input",
            run: "edit Prepaid by wire",
        },
        {
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The invoice is posted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        {
            content: "The override is in the invoice's chatter",
            trigger: ".o-mail-Message:contains('Credit hold overridden'):contains('Prepaid by wire')",
        },
    ],
});

// Credit control approves a collector's credit-limit recommendation.
registry.category("web_tour.tours").add("ar_collections_credit_recommendation_approve", {
    steps: () => [
        {
            content: "The recommendation waits in 'To approve'",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Customer')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=reason]:contains('Pays 60 days late')",
        },
        {
            content: "Approve",
            trigger: ".o_form_statusbar button[name=action_approve]",
            run: "click",
        },
        {
            content: "Approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
    ],
});
