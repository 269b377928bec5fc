import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ar_collections_ladder_position", {
    steps: () => [
        {
            content: "Open the Collections tab of the invoice",
            trigger: ".o_form_view .o_notebook a.nav-link[name=collections]",
            run: "click",
        },
        {
            content: "The panel lists the step done, by its name",
            trigger: ".o_ar_position_panel .o_ar_steps_done td:contains('First notice')",
        },
        {
            content: "The next step, by its name, with its date",
            trigger: ".o_ar_position_panel .o_ar_next_step:contains('Call') .o_ar_next_date",
        },
        {
            content: "Why it waits, in words",
            trigger: ".o_ar_position_panel .o_ar_position_reason:contains('Not due yet')",
        },
        {
            content: "The header shows the step's name, not its code",
            trigger: ".o_field_widget[name=collection_step_label]:contains('First notice')",
        },
    ],
});
