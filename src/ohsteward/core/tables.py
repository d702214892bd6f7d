"""One ``Table`` per model: the columns of its list page and of its .xlsx export.

A ``Column`` says where a value comes from (``accessor``: a dotted path or a callable), how it is
shown (``format``, or ``html`` for a badge), where it links (``link``: a URL name, with
``link_arg`` for the argument) and which model field sorts it (``sortable``). The same Table object
renders ``templates/generic/_table.html`` and writes the export through the formula-neutralising
writer of ``core.spreadsheets``, so the page and the file never disagree about a column.

    class WorkplaceTable(Table):
        select_related = ("enterprise__region",)
        columns = [
            Column("名称", "name", link="registry:workplace_detail", sortable="name"),
            Column("用人单位", "enterprise.name", sortable="enterprise__name"),
        ]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from ohsteward.core.spreadsheets import xlsx_response

Accessor = str | Callable[[Any], Any]
EMPTY = "—"


def resolve(obj: Any, accessor: Accessor) -> Any:
    """``obj.a.b`` for ``"a.b"`` (None when a step is None; methods are called), or ``accessor(obj)``."""
    if callable(accessor):
        return accessor(obj)
    value = obj
    for part in accessor.split("."):
        if value is None:
            return None
        value = getattr(value, part)
        if callable(value) and not hasattr(value, "all"):  # get_x_display, not a related manager
            value = value()
    return value


@dataclass(frozen=True)
class Column:
    header: str
    accessor: Accessor
    key: str = ""  # the name in ?sort= and of the export column; defaults to a string accessor
    link: str = ""  # URL name of the cell's link (list only)
    link_arg: Accessor = "pk"
    format: Callable[[Any], Any] | None = None  # value → shown value (list and export)
    html: Callable[[Any], str] | None = (
        None  # object → safe HTML for the list cell (the export keeps the value)
    )
    sortable: str = ""  # the model field (or lookup path) the list sorts by
    css: str = ""
    export: bool = True

    @property
    def name(self) -> str:
        return self.key or (self.accessor if isinstance(self.accessor, str) else self.header)

    def value(self, obj: Any) -> Any:
        value = resolve(obj, self.accessor)
        return self.format(value) if self.format is not None else value

    def cell(self, obj: Any) -> SafeString:
        if self.html is not None:
            content = conditional_escape(self.html(obj))
        else:
            value = self.value(obj)
            content = conditional_escape(EMPTY if value is None or value == "" else value)
        if self.link:
            href = reverse(self.link, args=[resolve(obj, self.link_arg)])
            return format_html('<a href="{}">{}</a>', href, content)
        return SafeString(content)


@dataclass(frozen=True)
class SortLink:
    column: Column
    key: str  # what ?sort= becomes when the header is clicked
    state: str  # "asc", "desc" or ""


class Table:
    columns: ClassVar[Sequence[Column]] = ()
    list_columns: ClassVar[Sequence[str]] = ()  # names shown on the list page, in order (default: all)
    select_related: ClassVar[Sequence[str]] = ()
    prefetch_related: ClassVar[Sequence[str]] = ()
    # fields no cell reads, left out of the page's query (large JSON: parsing it was per row)
    defer: ClassVar[Sequence[str]] = ()
    default_sort: ClassVar[str] = ""  # a column name, "-name" for descending; "" keeps the queryset's order
    empty_text: ClassVar[str] = "没有符合条件的记录。"
    html_id: ClassVar[str] = "object-table"
    chunk_size: ClassVar[int] = 2000

    @classmethod
    def queryset(cls, queryset):
        """The queryset with what the cells need joined in (one query per page, not per row)."""
        if cls.select_related:
            queryset = queryset.select_related(*cls.select_related)
        if cls.prefetch_related:
            queryset = queryset.prefetch_related(*cls.prefetch_related)
        if cls.defer:
            queryset = queryset.defer(*cls.defer)
        return queryset

    # ---- list page -----------------------------------------------------------------------
    @classmethod
    def shown_columns(cls) -> list[Column]:
        if not cls.list_columns:
            return list(cls.columns)
        by_name = {c.name: c for c in cls.columns}
        return [by_name[name] for name in cls.list_columns]

    @classmethod
    def sort_fields(cls, sort: str) -> list[str] | None:
        """The ``order_by`` for ``?sort=`` (a sortable column's name, ``-`` for descending), else None."""
        name = sort.removeprefix("-")
        column = next((c for c in cls.shown_columns() if c.name == name and c.sortable), None)
        if column is None:
            return None
        field = f"-{column.sortable}" if sort.startswith("-") else column.sortable
        return [field, "-pk" if sort.startswith("-") else "pk"]

    @classmethod
    def headers(cls, sort: str) -> list[SortLink]:
        links = []
        for column in cls.shown_columns():
            state = "asc" if sort == column.name else "desc" if sort == f"-{column.name}" else ""
            links.append(SortLink(column, f"-{column.name}" if state == "asc" else column.name, state))
        return links

    @classmethod
    def seen_by(cls, user: Any, objects: list[Any]) -> list[Any]:
        """The objects of one page, or of one export chunk, as ``user`` is shown them.

        A hook for tables whose cells depend on the viewer (rows redacted for someone who may not
        see the employer they name, counts over the rows the viewer may see). Called once per list
        page and once per ``chunk_size`` objects of an export, so it can batch its queries.
        The default shows every object as it is."""
        return objects

    @classmethod
    def html_rows(cls, objects: Iterable[Any]) -> list[tuple[Any, list[tuple[Column, SafeString]]]]:
        columns = cls.shown_columns()
        return [(obj, [(c, c.cell(obj)) for c in columns]) for obj in objects]

    # ---- export --------------------------------------------------------------------------
    @classmethod
    def export_header(cls) -> list[tuple[str, str]]:
        return [(c.name, c.header) for c in cls.columns if c.export]

    @classmethod
    def export_rows(cls, queryset, user: Any = None) -> Iterator[tuple]:
        """The export's lines, each chunk passed through ``seen_by(user, …)`` first."""
        columns = [c for c in cls.columns if c.export]
        chunk: list[Any] = []
        for obj in cls.queryset(queryset).iterator(chunk_size=cls.chunk_size):
            chunk.append(obj)
            if len(chunk) >= cls.chunk_size:
                yield from (tuple(c.value(o) for c in columns) for o in cls.seen_by(user, chunk))
                chunk = []
        if chunk:
            yield from (tuple(c.value(o) for c in columns) for o in cls.seen_by(user, chunk))

    @classmethod
    def xlsx_response(cls, queryset, filename: str, user: Any = None) -> HttpResponse:
        return xlsx_response(filename, cls.export_header(), cls.export_rows(queryset, user=user))


def field_columns(model, names: Sequence[str]) -> list[Column]:
    """Columns for plain model fields, headed by their verbose names; choices show their labels,
    foreign keys their key. For reference data, whose export is the fields as they are."""
    columns = []
    for name in names:
        field = model._meta.get_field(name)
        if field.choices:
            accessor: Accessor = f"get_{name}_display"
        elif field.is_relation:
            accessor = field.attname
        else:
            accessor = name
        columns.append(Column(str(field.verbose_name), accessor, key=name, sortable=name))
    return columns


def export_response(table: Any, queryset, filename: str, user: Any = None) -> HttpResponse:
    """The .xlsx of ``queryset`` through ``table``: a ``Table``, or a legacy class with ``columns``
    ((key, header) pairs) and ``rows(queryset)`` until the intake and declarations tables are ported.
    A legacy table whose lines depend on the viewer says ``needs_user = True`` (``rows(qs, user=)``)."""
    if isinstance(table, type) and issubclass(table, Table):
        return table.xlsx_response(queryset, filename, user=user)
    rows = table.rows(queryset, user=user) if getattr(table, "needs_user", False) else table.rows(queryset)
    return xlsx_response(filename, table.columns, rows)
