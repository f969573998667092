"""The shop's analytics: the report's charts (QtCharts) in tabs, for the last N weeks, with a
button that writes every table of the store and of the report as CSV files.

The numbers come from app.store.report (no Qt there); this window only draws them. QtCharts
draws axis and legend labels as HTML, so every id from the database is escaped first and shows
as the text it is.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.product import Product
from app.errors import AppError
from app.store.database import StoreDatabase
from app.store.report import StoreReport, build_report
from app.store.report_csv import export_report, export_tables

MOST_BARS = 15


def _label(text: str) -> str:
    return html.escape(str(text), quote=False)


class Names:
    """What the charts call a product, an option group, a choice and a look: the catalog's
    labels where it still has them, else the ids the records hold."""

    def __init__(self, products: Mapping[str, Product] | None = None):
        self.products = dict(products or {})

    def product(self, product_id: str) -> str:
        product = self.products.get(product_id)
        return product.name if product is not None else product_id

    def group(self, product_id: str, group_id: str) -> str:
        try:
            return self.products[product_id].option(group_id).label
        except KeyError:
            return group_id

    def choice(self, product_id: str, group_id: str, choice_id: str) -> str:
        try:
            return self.products[product_id].option(group_id).choice(choice_id).label
        except KeyError:
            return choice_id

    def preset(self, product_id: str, preset_id: str) -> str:
        try:
            return self.products[product_id].preset(preset_id).label
        except KeyError:
            return preset_id


class AnalyticsWindow(QWidget):
    """``choose_folder()`` asks where the CSV files go (None: cancelled); tests pass their own."""

    def __init__(self, database: StoreDatabase, *, weeks: int = 12,
                 products: Mapping[str, Product] | None = None,
                 choose_folder: Callable[[], Path | None] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Store analytics")
        self.database = database
        self.names = Names(products)
        self.choose_folder = choose_folder or self._ask_folder
        self.report: StoreReport | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Last"))
        self.weeks = QSpinBox()
        self.weeks.setRange(1, 520)
        self.weeks.setValue(weeks)
        self.weeks.setSuffix(" weeks")
        bar.addWidget(self.weeks)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)
        self.export_button = QPushButton("Export CSV...")
        self.export_button.clicked.connect(self.export_csv)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.group_box = QComboBox()
        self.group_box.currentIndexChanged.connect(self._show_group)
        self.choices_view = QChartView()
        self.resize(980, 640)
        self.refresh()

    # --- data ---

    def refresh(self) -> None:
        try:
            with self.database.transaction() as session:
                self.report = build_report(session, weeks=self.weeks.value())
        except AppError as exc:
            self.status.setText(str(exc))
            return
        self._fill(self.report)

    def export_csv(self) -> list[Path]:
        folder = self.choose_folder()
        if folder is None or self.report is None:
            return []
        try:
            files = export_tables(self.database, folder) + export_report(self.report, folder)
        except (AppError, OSError) as exc:
            self.status.setText(f"CSV export failed: {exc}")
            return []
        self.status.setText(f"wrote {len(files)} CSV files into {folder}")
        return files

    def _ask_folder(self) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self, "Export the store as CSV into")
        return Path(chosen) if chosen else None

    # --- charts ---

    def _fill(self, report: StoreReport) -> None:
        while self.tabs.count():
            self.tabs.removeTab(0)
        funnel = report.funnel_total()
        attach = report.attach_rates().get("", (0, 0, 0.0))
        weeks_text = "1 week" if len(report.weeks) == 1 else f"{len(report.weeks)} weeks"
        self.status.setText(
            f"{weeks_text}: products opened {funnel.opened}, hand-offs {funnel.handoffs}, "
            f"orders {funnel.orders}; {attach[1]} of {attach[0]} order lines "
            f"personalized ({attach[2]:.0%})")
        weeks = list(report.weeks)
        self.tabs.addTab(_view(_lines("Funnel per week", weeks, [
            ("product opened", {r.week: r.opened for r in report.funnel}),
            ("hand-off", {r.week: r.handoffs for r in report.funnel}),
            ("order", {r.week: r.orders for r in report.funnel})])), "Funnel")
        rates: dict[str, dict[str, float]] = {}
        for row in report.attach:
            rates.setdefault(self.names.product(row.product_id), {})[row.week] = round(
                row.rate * 100, 1)
        self.tabs.addTab(_view(_lines("Personalized order lines per week (%)", weeks,
                                      sorted(rates.items()))), "Attach rate")
        revenue: dict[str, dict[str, float]] = {}
        for row in report.sales:
            revenue.setdefault(f"{self.names.product(row.product_id)} ({row.currency})",
                               {})[row.week] = float(row.revenue)
        self.tabs.addTab(_view(_lines("Revenue per week", weeks, sorted(revenue.items()))),
                         "Revenue")
        names = self.names
        self.tabs.addTab(_view(_bars("Revenue by option", [
            (f"{names.product(p)}, {names.group(p, g)}: {names.choice(p, g, c)} ({cur})",
             float(v)) for p, g, c, cur, v in report.revenue_by_option()])), "Revenue by option")
        self.tabs.addTab(_view(_bars("Best-selling looks (units)", [
            (f"{names.product(p)}: {names.preset(p, s)}", u)
            for p, s, u, _ in report.best_presets()])), "Presets")
        choices = QWidget()
        box = QVBoxLayout(choices)
        self._groups = report.choices_per_group()
        self.group_box.blockSignals(True)
        self.group_box.clear()
        for product, group in self._groups:
            self.group_box.addItem(f"{self.names.product(product)}: "
                                   f"{self.names.group(product, group)}", (product, group))
        self.group_box.blockSignals(False)
        box.addWidget(self.group_box)
        box.addWidget(self.choices_view, 1)
        self.tabs.addTab(choices, "Choices")
        self._show_group()

    def _show_group(self, *_args) -> None:
        key = self.group_box.currentData()
        counts = self._groups.get(tuple(key), {}) if key else {}
        names = self.names
        title = (f"Order lines per choice: {names.product(key[0])}, "
                 f"{names.group(key[0], key[1])}") if key else "No orders yet"
        self.choices_view.setChart(_bars(title, [
            (names.choice(key[0], key[1], choice), lines) for choice, lines in counts.items()]))

    def chart_titles(self) -> list[str]:
        charts = [self.tabs.widget(i) for i in range(self.tabs.count())]
        views = [w if isinstance(w, QChartView) else self.choices_view for w in charts]
        return [view.chart().title() for view in views]


def _view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    return view


def _lines(title: str, weeks: list[str], series: list[tuple[str, dict[str, float]]]) -> QChart:
    chart = QChart()
    chart.setTitle(_label(title))
    axis_x = QBarCategoryAxis()
    axis_x.append([_label(w) for w in weeks] or [""])
    axis_x.setLabelsAngle(-60)
    axis_y = QValueAxis()
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    top = 0.0
    for name, values in series:
        line = QLineSeries()
        line.setName(_label(name))
        line.setPointsVisible(True)  # one week is one point, which a line alone would not show
        for index, week in enumerate(weeks):
            value = float(values.get(week, 0))
            line.append(index, value)
            top = max(top, value)
        chart.addSeries(line)
        line.attachAxis(axis_y)
        line.attachAxis(axis_x)
    _value_range(axis_y, top, whole=all(float(v).is_integer() for _, values in series
                                        for v in values.values()))
    return chart


def _value_range(axis: QValueAxis, top: float, *, whole: bool) -> None:
    """0..top with ticks a person reads: whole numbers for counts."""
    if whole and top <= 5:
        upper = max(1, math.ceil(top))
        axis.setRange(0, upper)
        axis.setTickCount(upper + 1)
        axis.setLabelFormat("%d")
        return
    axis.setRange(0, top * 1.05 or 1)
    axis.applyNiceNumbers()
    axis.setLabelFormat("%d" if whole else "%.4g")


def _bars(title: str, pairs: list[tuple[str, float]]) -> QChart:
    pairs = pairs[:MOST_BARS]
    chart = QChart()
    chart.setTitle(_label(title))
    chart.legend().hide()
    bars = QBarSet(_label(title))
    bars.append([float(value) for _, value in reversed(pairs)])
    series = QHorizontalBarSeries()
    series.append(bars)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append([_label(name) for name, _ in reversed(pairs)] or [""])
    axis_x = QValueAxis()
    _value_range(axis_x, max((float(v) for _, v in pairs), default=0.0),
                 whole=all(float(v).is_integer() for _, v in pairs))
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_y)
    series.attachAxis(axis_x)
    return chart


__all__ = ["AnalyticsWindow"]
