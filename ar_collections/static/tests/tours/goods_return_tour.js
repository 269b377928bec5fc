import { registry } from "@web/core/registry";

/*
 * Goods taken back: a collector proposes, from an overdue invoice, to take back
 * 3 of its 10 units of product A (not product B); a collections manager approves
 * and the credit note is there.
 */

registry.category("web_tour.tours").add("ar_collections_goods_return_propose", {
    steps: () => [
        {
            content: "Take goods back from the invoice",
            trigger: ".o_form_view .o_form_statusbar button:contains('Take goods back')",
            run: "click",
        },
        {
            content: "Every line of the invoice is proposed",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('product_b')",
        },
        {
            content: "Product B stays with the customer",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('product_b') .o_list_record_remove",
            run: "click",
        },
        {
            content: "Open the quantity of product A",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('product_a') .o_data_cell[name=quantity]",
            run: "click",
        },
        {
            content: "Take 3 back",
            trigger: ".o_field_widget[name=line_ids] .o_data_row .o_field_widget[name=quantity] input",
            run: "edit 3",
        },
        {
            content: "Say why",
            trigger: ".o_field_widget[name=note] textarea",
            run: "edit Customer cannot sell them; they go back to stock.",
        },
        {
            content: "Save the proposal",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Submit it for approval",
            trigger: ".o_form_view .o_form_statusbar button[name=action_submit]",
            run: "click",
        },
        {
            content: "It waits for a collections manager",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked=true]:contains('Submitted')",
        },
        {
            content: "The value decides the approvals",
            trigger: ".o_form_view .o_field_widget[name=next_group_id]:contains('Manager')",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_goods_return_approve", {
    steps: () => [
        {
            content: "Open the return to approve",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Approve",
            trigger: ".o_form_view .o_form_statusbar button[name=action_approve]",
            run: "click",
        },
        {
            content: "The goods are credited",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked=true]:contains('Credited')",
        },
        {
            content: "Open the credit note",
            trigger: ".o_form_view button[name=action_view_credit_note]",
            run: "click",
        },
        {
            content: "The credit note is posted",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked=true]:contains('Posted')",
        },
        {
            content: "for product A",
            trigger: ".o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row:contains('product_a')",
        },
    ],
});
