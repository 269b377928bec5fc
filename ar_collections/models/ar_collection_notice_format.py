"""Dates and amounts of a notice as QWeb's ``date`` and ``monetary`` widgets print
them, with the language looked up once per notice instead of once per value (each
``get_lang`` goes through two ormcache lookups: most of the time of a run's e-mails
went there, 40,000 values on a 10,000-invoice run)."""

import ast
import datetime

import babel.dates
from markupsafe import Markup, escape

from odoo.tools import float_round
from odoo.tools.misc import babel_locale_parse, format_date, get_lang, posix_to_ldml

from odoo.addons.base.models.res_lang import intersperse


class NoticeFormatter:
    """The widgets' output for one language (``get_lang(env)``): same strings, same
    markup (``ir.qweb.field.date`` and ``ir.qweb.field.monetary`` of Odoo 18)."""

    def __init__(self, env):
        self._env = env
        lang = get_lang(env)
        self._locale = babel_locale_parse(lang.code)
        self._date_format = posix_to_ldml(lang.date_format, locale=self._locale)
        self._grouping = ast.literal_eval(lang.grouping)
        self._thousands_sep = lang.thousands_sep or ""
        self._decimal_point = lang.decimal_point
        self._currencies = {}  # {currency id: (decimals, rounding, symbol, before)}
        self._affixes = {}  # {(symbol, before): (escaped prefix, escaped suffix)}

    def date(self, value):
        """``{'widget': 'date'}``"""
        if not value:
            return ""
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            return format_date(self._env, value)
        return babel.dates.format_date(
            value, format=self._date_format, locale=self._locale
        )

    def _currency(self, currency):
        if currency.id not in self._currencies:
            self._currencies[currency.id] = (
                currency.decimal_places,
                currency.rounding,
                currency.symbol or "",
                currency.position == "before",
            )
        return self._currencies[currency.id]

    def _group(self, formatted):
        parts = formatted.split(".")
        parts[0] = intersperse(parts[0], self._grouping, self._thousands_sep)[0]
        return self._decimal_point.join(parts)

    def text_amount(self, value, currency):
        """``formatLang(env, value, currency_obj=currency)``: plain text."""
        decimals, _rounding, symbol, before = self._currency(currency)
        formatted = self._group(
            f"%.{decimals}f"
            % float_round(value, precision_digits=decimals, rounding_method="HALF-EVEN")
        )
        if not symbol:
            return formatted
        if before:
            return f"{symbol}\N{NO-BREAK SPACE}{formatted}"
        return f"{formatted}\N{NO-BREAK SPACE}{symbol}"

    def amount(self, value, currency):
        """``{'widget': 'monetary', 'display_currency': currency}``"""
        if not isinstance(value, (int, float)):
            raise TypeError("The value sent to the monetary widget is not a number.")
        decimals, rounding, symbol, before = self._currency(currency)
        formatted = (
            self._group(
                f"%.{decimals}f" % float_round(value, precision_rounding=rounding)
            )
            .replace(" ", "\N{NO-BREAK SPACE}")
            .replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
        )
        pre, post = self._monetary_affixes(symbol, before)
        return Markup(
            f'{pre}<span class="oe_currency_value">{escape(formatted)}</span>{post}'
        )

    def _monetary_affixes(self, symbol, before):
        """The escaped text before and after the monetary widget's number."""
        key = (symbol, before)
        if key not in self._affixes:
            text = escape(symbol)
            self._affixes[key] = (
                (f"{text}\N{NO-BREAK SPACE}", "")
                if before
                else ("", f"\N{NO-BREAK SPACE}{text}")
            )
        return self._affixes[key]
