"""Hot-path statements without the ORM's per-call query compilation.

Compiling a queryset costs about a millisecond of CPU on our reference machine, more than the
indexed read itself; on the paths every API call or every rush request takes (token
authentication, the idempotency lookup, the booking's writes) that was most of the request.
These statements are compiled once from real querysets and models (so table and column
names, joins and quoting stay Django's) and then executed as plain SQL, with the same backend
conversions the ORM would apply, so values come back and go in typed identically on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet

Converter = Callable[[Any, Any, Any], Any]


class _CompiledOnce:
    """SQL compiled on first use, again only if the database vendor changes (the test suite
    runs on SQLite and PostgreSQL)."""

    def __init__(self, using: str) -> None:
        self._using = using
        self._sql: str | None = None
        self._vendor = ""

    def _compile(self, connection: Any) -> str:
        raise NotImplementedError

    def _ready(self) -> tuple[Any, str]:
        connection = connections[self._using]
        if self._sql is None or self._vendor != connection.vendor:
            self._sql = self._compile(connection)
            self._vendor = connection.vendor
        return connection, self._sql


class LeanQuery(_CompiledOnce):
    """A queryset compiled on first use, executed with new parameter values afterwards.

    ``build`` returns the queryset with placeholder values for the parameters, in the order
    they appear in the SQL; ``rows`` and ``first`` take the real values in the same order.
    """

    def __init__(self, build: Callable[[], QuerySet[Any]], using: str = "default") -> None:
        super().__init__(using)
        self._build = build
        self._converters: list[tuple[int, list[Converter], Any]] = []
        self.fields: list[Any] = []

    def _compile(self, connection: Any) -> str:
        compiler = self._build().query.get_compiler(using=self._using)
        sql, _params = compiler.as_sql()
        columns = [col for col, _select, _alias in compiler.select]
        self._converters = [
            (i, converters, expression)
            for i, (converters, expression) in compiler.get_converters(columns).items()
        ]
        self.fields = [getattr(col, "target", None) for col in columns]
        return str(sql)

    def rows(self, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        connection, sql = self._ready()
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            fetched = cursor.fetchall()
        if not self._converters:
            return [tuple(row) for row in fetched]
        converted = []
        for row in fetched:
            values = list(row)
            for index, converters, expression in self._converters:
                value = values[index]
                for convert in converters:
                    value = convert(value, expression, connection)
                values[index] = value
            converted.append(tuple(values))
        return converted

    def first(self, params: Sequence[Any]) -> tuple[Any, ...] | None:
        found = self.rows(params)
        return found[0] if found else None

    def instance_of(self, model: type[Any], row: tuple[Any, ...]) -> Any:
        """The ``model`` instance made of this row's columns of that model (others deferred),
        as ``select_related`` + ``only`` would have built it."""
        names, values = [], []
        for field, value in zip(self.fields, row, strict=True):
            if field is not None and field.model is model:
                names.append(field.attname)
                values.append(value)
        return model.from_db(self._using, names, values)


class LeanInsert(_CompiledOnce):
    """``Model.objects.create`` for a hot path, with the INSERT compiled once.

    The instance is built and its values prepared exactly as ``save()`` would (``pre_save``
    then ``get_db_prep_save`` for every concrete field, so defaults, ``auto_now_add`` and
    encrypted fields behave the same); only the per-call SQL compilation and the save
    signals are skipped. Use it only for models no signal handler listens to (or apply the
    handler's effect yourself, as lib.tasks_backend does).
    """

    def __init__(self, model: type[Any], using: str = "default") -> None:
        super().__init__(using)
        self.model = model
        self._returns = False
        self._fields: list[Any] = []

    def _compile(self, connection: Any) -> str:
        meta = self.model._meta
        self._fields = [
            f
            for f in meta.local_concrete_fields
            if not (f.primary_key and getattr(f, "db_returning", False))
            and not getattr(f, "generated", False)
        ]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self._fields)
        placeholders = ", ".join(["%s"] * len(self._fields))
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self._returns = bool(connection.features.can_return_columns_from_insert)
        if self._returns:
            sql += f" RETURNING {quote(meta.pk.column)}"
        return sql

    def create(self, **values: Any) -> Any:
        connection, sql = self._ready()
        instance = self.model(**values)
        params = [
            f.get_db_prep_save(f.pre_save(instance, True), connection=connection)
            for f in self._fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if self._returns:
                (pk,) = cursor.fetchone()
            else:
                pk = connection.ops.last_insert_id(
                    cursor, self.model._meta.db_table, self.model._meta.pk.column
                )
        if instance.pk is None:
            instance.pk = pk
        instance._state.adding = False
        instance._state.db = self._using
        return instance


class LeanUpdate(_CompiledOnce):
    """A filtered ``update()`` compiled once; ``run`` returns the number of rows changed.

    ``build`` returns (queryset, values) with placeholder parameters, as for LeanQuery; the
    parameters passed to ``run`` replace them in the order they appear in the SQL (the SET
    clause's first, then the WHERE clause's).
    """

    def __init__(
        self,
        build: Callable[[], tuple[QuerySet[Any], dict[str, Any]]],
        using: str = "default",
    ) -> None:
        super().__init__(using)
        self._build = build

    def _compile(self, connection: Any) -> str:
        from django.db.models import sql as model_sql

        queryset, values = self._build()
        query: Any = queryset.query.chain(model_sql.UpdateQuery)
        query.add_update_values(values)
        sql, _params = query.get_compiler(using=self._using).as_sql()
        return str(sql)

    def run(self, params: Sequence[Any]) -> int:
        connection, sql = self._ready()
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            return int(cursor.rowcount)
