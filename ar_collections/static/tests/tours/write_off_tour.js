import { registry } from "@web/core/registry";

/*
 * Write-off approval: a collector requests a write-off from an invoice, a
 * collections manager approves it, then an accounting manager gives the second
 * approval that the policy requires above 5,000, which posts it.
 */

registry.category("web_tour.tours").add("ar_collections_write_off_request", {
    steps: () => [
        {
            content: "Request a write-off from the invoice",
            trigger: ".o_form_view .o_form_statusbar button:contains('Request write-off')",
            run: "click",
        },
        {
            content: "Choose the reason",
            trigger: ".modal .o_field_widget[name=reason] select",
            run: "selectByLabel Uncollectible",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Customer went out of business; the agency gave up.",
        },
        {
            content: "Submit it for approval",
            trigger: ".modal button:contains('Submit for approval')",
            run: "click",
        },
        {
            content: "The request is submitted and waits for a collections manager",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked=true]:contains('Submitted')",
        },
        {
            content: "The policy band is shown",
            trigger: ".o_form_view .o_field_widget[name=next_group_id]:contains('Manager')",
        },
    ],
});

function approveSteps(comment, expectedState) {
    return [
        {
            content: "Open the request to approve",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Approve",
            trigger: ".o_form_view .o_form_statusbar button[name=action_open_decision]:contains('Approve')",
            run: "click",
        },
        {
            content: "Comment the approval",
            trigger: ".modal .o_field_widget[name=comment] textarea",
            run: `edit ${comment}`,
        },
        {
            content: "Confirm",
            trigger: ".modal button:contains('Confirm')",
            run: "click",
        },
        {
            content: "The approval is recorded",
            trigger: `.o_form_view .o_statusbar_status button[aria-checked=true]:contains('${expectedState}')`,
        },
        {
            content: "Look at the approvals",
            trigger: ".o_form_view .o_notebook a:contains('Approvals')",
            run: "click",
        },
        {
            content: "The approval is listed",
            trigger: `.o_form_view .o_field_widget[name=approval_ids] td:contains('${comment}')`,
        },
    ];
}

registry.category("web_tour.tours").add("ar_collections_write_off_first_approval", {
    steps: () => approveSteps("Checked the file", "Submitted"),
});

registry.category("web_tour.tours").add("ar_collections_write_off_final_approval", {
    steps: () => approveSteps("Booked to bad debt", "Posted"),
});
