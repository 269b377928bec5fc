/** @odoo-module */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ar_collections_reporting_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Collections app",
            trigger: ".o_app[data-menu-xmlid='ar_collections.ar_collections_menu_root']",
            run: "click",
        },
        {
            content: "Open the Reporting menu",
            trigger: ".o_menu_sections button:contains('Reporting')",
            run: "click",
        },
        {
            content: "Open the receivables ageing",
            trigger: ".dropdown-item:contains('Receivables ageing')",
            run: "click",
        },
        {
            content: "The pivot has the ageing buckets as columns",
            trigger: ".o_pivot thead th:contains('31-60')",
        },
        {
            content: "The pivot lists the customer",
            trigger: ".o_pivot tbody th:contains('Tour Customer')",
        },
        {
            content: "The customer's overdue amount sits in the 31-60 days column",
            trigger: ".o_pivot tbody tr:contains('Tour Customer') td:contains('1,234.00')",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
        {
            content: "Open the Reporting menu again",
            trigger: ".o_menu_sections button:contains('Reporting')",
            run: "click",
        },
        {
            content: "Open the amounts by stage",
            trigger: ".dropdown-item:contains('Amounts by stage')",
            run: "click",
        },
        {
            content: "The amounts are grouped by collection stage",
            trigger: ".o_pivot tbody th:contains('Current')",
        },
        {
            content: "Open the Reporting menu for the KPIs",
            trigger: ".o_menu_sections button:contains('Reporting')",
            run: "click",
        },
        {
            content: "Open DSO and CEI",
            trigger: ".dropdown-item:contains('DSO and CEI')",
            run: "click",
        },
        {
            content: "The KPI list shows the DSO column",
            trigger: ".o_list_view th:contains('DSO')",
        },
    ],
});

// Started on a customer's form (the test gives the URL).
registry.category("web_tour.tours").add("ar_collections_statement_tour", {
    steps: () => [
        {
            content: "Open the Collections tab of the customer",
            trigger: ".o_notebook .nav-link:contains('Collections')",
            run: "click",
        },
        {
            content: "The payment history shows the average days late",
            trigger: ".o_field_widget[name='collection_avg_days_late']:contains('10.0')",
        },
        {
            content: "The payment trend is shown",
            trigger: ".o_field_widget[name='collection_payment_trend']:contains('Worsening')",
        },
        {
            content: "Print the statement of open items",
            trigger: "button[name='action_print_collection_statement']",
            run: "click",
        },
        {
            content: "The statement was downloaded without error",
            trigger: "body:not(:has(.o_error_dialog)):not(:has(.o_notification.border-danger))",
        },
    ],
});
