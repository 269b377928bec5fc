"""Rows written with PostgreSQL's ``COPY``: what the run appends in bulk (its events,
its notes in the invoices' chatter). Building and sending thousands of rows as the
parameters of one ``INSERT`` costs more than storing them; ``COPY`` sends them as
text. PostgreSQL checks the table's constraints, indexes and foreign keys as for an
``INSERT``."""

import io

from odoo.tools import SQL

COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def copy_text(value):
    """An ORM-style value in the text format of ``COPY``: False and None are NULL,
    0 stays 0, True is ``t``, text is escaped."""
    if value is None or value is False:
        return NULL
    if value is True:
        return "t"
    if isinstance(value, str):
        return value.translate(COPY_ESCAPES)
    return str(value)


def copy_rows(cr, table, columns, rows):
    """``COPY table (columns) FROM STDIN`` of ``rows`` (sequences of values in the
    order of ``columns``). A batch repeats few distinct values per column (a step's
    snapshot, a result, an invoice's id over its skipped steps): each is escaped
    once per call."""
    seen = [{} for _column in columns]
    data = io.StringIO()
    for values in rows:
        row = []
        for value, texts in zip(values, seen, strict=True):
            if value is None or value is False or value is True:
                row.append(copy_text(value))
                continue
            text = texts.get(value)
            if text is None:
                text = texts[value] = copy_text(value)
            row.append(text)
        data.write("\t".join(row))
        data.write("\n")
    data.seek(0)
    query = SQL(
        "COPY %s (%s) FROM STDIN",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(column) for column in columns),
    )
    cr.copy_expert(query.code, data)
