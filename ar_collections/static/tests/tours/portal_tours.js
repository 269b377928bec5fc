import { registry } from "@web/core/registry";

// The customer answers a reminder on the portal page "Your overdue invoices".

registry.category("web_tour.tours").add("ar_collections_portal_promise", {
    steps: () => [
        {
            content: "The page lists the overdue invoice",
            trigger: "#ar_overdue tr[data-move-name]",
        },
        {
            content: "The invoice not yet due is shown apart",
            trigger: "#ar_not_due tr[data-move-name]",
        },
        {
            content: "Choose the overdue invoice for the promise",
            trigger: ".o_ar_promise_form input[name=move_ids]",
            run: "click",
        },
        {
            content: "Pay on the latest day the ladder allows",
            trigger: "#ar_promise_date",
            run() {
                const input = document.querySelector("#ar_promise_date");
                input.value = input.max;
            },
        },
        {
            content: "Promise part of what is owed",
            trigger: "#ar_promise_amount",
            run: "edit 250",
        },
        {
            content: "Send the promise",
            trigger: ".o_ar_promise_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page confirms the promise with its reference",
            trigger: "#ar_promise_done .o_ar_case_number:contains('PTP-')",
        },
        {
            content: "The invoice shows as promised",
            trigger: "#ar_overdue .badge:contains('Promised for')",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_portal_dispute", {
    steps: () => [
        {
            content: "The portal user's page lists the overdue invoice",
            trigger: "#ar_overdue tr[data-move-name]",
        },
        {
            content: "Choose the invoice to dispute",
            trigger: ".o_ar_dispute_form input[name=move_ids]",
            run: "click",
        },
        {
            content: "The goods arrived damaged",
            trigger: "#ar_dispute_reason",
            run: "select damaged",
        },
        {
            content: "Say what is wrong",
            trigger: "#ar_dispute_description",
            run: "edit Two boxes arrived broken",
        },
        {
            content: "Send the dispute",
            trigger: ".o_ar_dispute_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page gives the case number",
            trigger: "#ar_dispute_done .o_ar_case_number:contains('DSP-')",
        },
        {
            content: "The invoice shows as under dispute",
            trigger: "#ar_overdue .badge:contains('Under dispute')",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_portal_collector", {
    steps: () => [
        {
            content: "The customer's chatter shows the promise made on the portal",
            trigger: ".o-mail-Message:contains('Promise made on the portal')",
        },
        {
            content: "... and the dispute opened on the portal",
            trigger: ".o-mail-Message:contains('Dispute opened on the portal')",
        },
        {
            content: "The smart buttons count the portal promise",
            trigger: ".oe_stat_button [name=collection_promise_count]:contains('1')",
        },
        {
            content: "... and the portal dispute",
            trigger: ".oe_stat_button [name=collection_dispute_count]:contains('1')",
        },
        {
            content: "Open the customer's promises",
            trigger: ".oe_stat_button:has([name=collection_promise_count])",
            run: "click",
        },
        {
            content: "The promise says it was made on the portal",
            trigger: ".o_data_row td[name=source]:contains('Customer portal')",
        },
    ],
});
