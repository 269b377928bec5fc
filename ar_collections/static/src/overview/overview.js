/** @odoo-module */

import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatMonetary } from "@web/views/fields/formatters";

const BUCKET_COLORS = ["#f4d35e", "#ee964b", "#f95738", "#c0392b", "#7b1e1e"];

export class CollectionsOverview extends Component {
    static template = "ar_collections.Overview";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ data: null });
        this.trendCanvas = useRef("trend");
        this.kpiCanvas = useRef("kpi");
        this.charts = [];
        onWillStart(async () => {
            const [data] = await Promise.all([
                this.orm.call("ar.collection.overview", "get_overview", []),
                loadBundle("web.chartjs_lib"),
            ]);
            this.state.data = data;
        });
        onMounted(() => this.drawCharts());
        onWillUnmount(() => this.charts.forEach((chart) => chart.destroy()));
    }

    money(value) {
        return formatMonetary(value || 0, { currencyId: this.state.data.currency_id });
    }

    open(action) {
        this.actionService.doAction(action);
    }

    drawCharts() {
        const data = this.state.data;
        const trend = data.overdue.trend;
        this.charts.push(
            new Chart(this.trendCanvas.el, {
                type: "bar",
                data: {
                    labels: trend.dates,
                    datasets: trend.series.map((serie, index) => ({
                        label: serie.label,
                        data: serie.values,
                        backgroundColor: BUCKET_COLORS[index % BUCKET_COLORS.length],
                    })),
                },
                options: {
                    maintainAspectRatio: false,
                    scales: { x: { stacked: true }, y: { stacked: true } },
                },
            })
        );
        const months = data.kpi.months;
        this.charts.push(
            new Chart(this.kpiCanvas.el, {
                type: "line",
                data: {
                    labels: months.map((month) => month.month.slice(0, 7)),
                    datasets: [
                        { label: _t("DSO"), data: months.map((m) => m.dso), yAxisID: "days" },
                        {
                            label: _t("Best possible DSO"),
                            data: months.map((m) => m.best_possible_dso),
                            yAxisID: "days",
                        },
                        { label: _t("CEI (%)"), data: months.map((m) => m.cei), yAxisID: "cei" },
                    ],
                },
                options: {
                    maintainAspectRatio: false,
                    scales: {
                        days: { type: "linear", position: "left", beginAtZero: true },
                        cei: { type: "linear", position: "right", min: 0, max: 100 },
                    },
                },
            })
        );
    }
}

registry.category("actions").add("ar_collections.overview", CollectionsOverview);
