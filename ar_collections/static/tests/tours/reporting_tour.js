/** @odoo-module */

import { registry } from "@web/core/registry";

/** The cell of a pivot row under the measure header ``title`` (exact text). */
function measureCell(row, title) {
    const headers = [...document.querySelectorAll(".o_pivot thead th.o_pivot_measure_row")];
    const index = headers.findIndex((th) => th.textContent.trim() === title);
    if (index < 0) {
        throw new Error(`no pivot column ${title}`);
    }
    return row.querySelectorAll("td.o_pivot_cell_value")[index];
}

/** The cell shows exactly the number ``expected`` (currency symbol aside). */
function checkCell(cell, expected, what) {
    const text = cell ? cell.textContent.trim() : "(no cell)";
    if (text.replace(/[^\d.,-]/g, "") !== expected) {
        throw new Error(`${what}: expected ${expected}, found ${text}`);
    }
}

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
            content: "The customer's amounts sit in their columns: 31-60, not due, total",
            trigger: ".o_pivot tbody tr:has(th:contains('Tour Customer')) td.o_pivot_cell_value",
            run() {
                const row = this.anchor.closest("tr");
                checkCell(measureCell(row, "31-60"), "1,234.00", "31-60");
                checkCell(measureCell(row, "Not due"), "500.00", "Not due");
                checkCell(measureCell(row, "1-30"), "0.00", "1-30");
                checkCell(measureCell(row, "61-90"), "0.00", "61-90");
                checkCell(measureCell(row, "Amount due"), "1,734.00", "Amount due");
            },
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
        {
            content: "This month's row (the first) shows its KPI values",
            trigger: ".o_list_view tbody tr.o_data_row:first-child td[name='cei']",
            run() {
                const row = this.anchor.closest("tr");
                // CEI = (1,234 + 1,000 - 1,734) / (1,234 + 1,000 - 500) x 100
                checkCell(row.querySelector("td[name='cei']"), "28.8", "CEI");
                checkCell(
                    row.querySelector("td[name='ending_receivable']"),
                    "1,734.00",
                    "ending receivables"
                );
                checkCell(row.querySelector("td[name='sales']"), "1,000.00", "credit sales");
            },
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
            content: "The statement the button downloads is this customer's",
            trigger: "body:not(:has(.o_error_dialog)):not(:has(.o_notification.border-danger))",
            async run() {
                const partnerId = window.location.pathname.match(/res\.partner\/(\d+)/)[1];
                // The request the web client makes for the button's report action.
                const body = new FormData();
                body.append(
                    "data",
                    JSON.stringify([
                        `/report/pdf/ar_collections.report_customer_statement/${partnerId}`,
                        "qweb-pdf",
                    ])
                );
                body.append("csrf_token", odoo.csrf_token);
                const response = await fetch("/report/download", { method: "POST", body });
                if (!response.ok) {
                    throw new Error(`statement download failed: HTTP ${response.status}`);
                }
                const type = response.headers.get("Content-Type") || "";
                const disposition = decodeURIComponent(
                    response.headers.get("Content-Disposition") || ""
                );
                if (!type.includes("application/pdf")) {
                    throw new Error(`statement not sent as a PDF: ${type}`);
                }
                if (!/Statement - Tour Customer - [\d-]+\.pdf/.test(disposition)) {
                    throw new Error(`statement not offered as a PDF file: ${disposition}`);
                }
                // Under test Odoo sends the report's HTML (wkhtmltopdf could not
                // fetch its styles from this one-request-at-a-time server): its text.
                const text = await response.text();
                for (const expected of ["Tour Customer", "300.00"]) {
                    if (!text.includes(expected)) {
                        throw new Error(`statement without ${expected}`);
                    }
                }
            },
        },
        {
            content: "Still no error after the download",
            trigger: "body:not(:has(.o_error_dialog)):not(:has(.o_notification.border-danger))",
        },
    ],
});
