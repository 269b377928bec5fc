import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ar_collections_portal_pay", {
    steps: () => [
        {
            content: "The page offers to pay online",
            trigger: ".o_ar_pay_section",
        },
        {
            content: "Pay all overdue invoices",
            trigger: ".o_ar_pay_all",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Odoo's payment form, for what the invoices owe",
            trigger: ".o_ar_pay_page .o_payment_form",
            run() {
                const radio = document.querySelector(
                    "input[name=o_payment_radio][data-provider-code=demo]"
                );
                if (radio && !radio.checked) {
                    radio.click();
                }
            },
        },
        {
            content: "Demo provider: enter test card details",
            trigger: "#customer_input",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "button[name=o_payment_submit_button]:not(:disabled)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the page: nothing is overdue any more",
            trigger: ".o_ar_nothing_overdue",
            timeout: 20000,
        },
    ],
});
