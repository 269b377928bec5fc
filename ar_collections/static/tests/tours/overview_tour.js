/** @odoo-module */

import { registry } from "@web/core/registry";

const openCollectionsApp = [
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
];

registry.category("web_tour.tours").add("ar_collections_overview_tour", {
    url: "/odoo",
    steps: () => [
        ...openCollectionsApp,
        {
            content: "A manager lands on the overview, its charts drawn",
            trigger: ".o_ar_overview canvas",
        },
        {
            content: "The top overdue customers list the tour customer",
            trigger: ".o_ar_overview_customer:contains('Overview Customer'):contains('4,321.00')",
        },
        {
            content: "The promise due today is counted",
            trigger: "tr[data-work='promises_due'] a.text-danger:contains('1')",
        },
        {
            content: "Click the overdue 31-60 days figure",
            trigger: ".o_ar_overview_bucket[data-bucket='31_60']:contains('4,321.00')",
            run: "click",
        },
        {
            content: "The list behind it: the customer's overdue invoice",
            trigger: ".o_list_view .o_data_row:contains('Overview Customer'):contains('4,321.00')",
        },
        {
            content: "Only that invoice",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Other Customer')))",
        },
        {
            content: "Back to the overview",
            trigger: ".o_breadcrumb a:contains('Overview')",
            run: "click",
        },
        {
            content: "Click the promises due today",
            trigger: "tr[data-work='promises_due'] a.o_ar_overview_work",
            run: "click",
        },
        {
            content: "The promise list shows the promise due today",
            trigger: ".o_list_view .o_data_row:contains('Overview Customer')",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_overview_collector_tour", {
    url: "/odoo",
    steps: () => [
        ...openCollectionsApp,
        {
            content: "A collector lands on the worklist",
            trigger: ".o_breadcrumb:contains('My worklist')",
        },
        {
            content: "No Overview menu for a collector",
            trigger: ".o_main_navbar:not(:has(.o_menu_sections :contains('Overview')))",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_overview_currencies_tour", {
    url: "/odoo",
    steps: () => [
        ...openCollectionsApp,
        {
            content: "Two companies in two currencies: the overview says how it adds them up",
            trigger: ".o_ar_overview_currency_note:contains('converted at today')",
        },
        {
            content: "The other company's overdue invoice is converted, then added",
            trigger: ".o_ar_overview_bucket[data-bucket='31_60']:contains('1,800.00')",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_overview_missing_rate_tour", {
    url: "/odoo",
    steps: () => [
        ...openCollectionsApp,
        {
            content: "The current company has no rate for the other's currency: the overview says so",
            trigger: ".o_ar_overview_rate_warning:contains('no exchange rate for USD')",
        },
        {
            content: "and counts the other company's invoice one for one: 1,000 + 400",
            trigger: ".o_ar_overview_bucket[data-bucket='31_60']:contains('1,400.00')",
        },
    ],
});
