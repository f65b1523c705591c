"""Generated history on disk: columns of integer codes become raw-layout Parquet files
named ``history-*.parquet``, one per day partition and write, so exported ``part-*`` files
are never touched and the history can be replaced or removed on its own."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from imigrasi.analytics import layout

Array = npt.NDArray[Any]
Columns = dict[str, Array]
HISTORY_PREFIX = "history-"
EPOCH = dt.date(1970, 1, 1)


def _strings(codes: Array, values: Sequence[str]) -> pa.Array:
    dictionary = pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), pa.array(list(values), pa.string())
    )
    return dictionary.cast(pa.string())


class HistoryWriter:
    """Writes rows into their day partitions, one ``history-*.parquet`` file per partition and
    call, through a temporary name so no reader sees half a file."""

    def __init__(
        self,
        base: Path,
        seed: int,
        strings: dict[str, Sequence[str]],
        kinds: dict[str, Sequence[str]],
    ) -> None:
        self.base = base
        self.seed = seed
        self.rows = dict.fromkeys(layout.RAW_SCHEMAS, 0)
        self.files = 0
        self.strings = strings  # column → the values its integer codes stand for
        self.kinds = kinds  # table → the values of its ``kind`` codes

    def write(self, table: str, columns: Columns) -> None:
        day = columns["day"]
        if not len(day):
            return
        order = np.argsort(day, kind="stable")
        schema = layout.RAW_SCHEMAS[table]
        arrays = []
        for name in schema.names:
            values = columns[name][order]
            if name == "kind":
                arrays.append(_strings(values, self.kinds[table]))
            elif name in self.strings:
                arrays.append(_strings(values, self.strings[name]))
            elif schema.field(name).type == layout.TIMESTAMP:
                arrays.append(pa.array(values, pa.int64()).cast(layout.TIMESTAMP))
            else:
                arrays.append(pa.array(values, schema.field(name).type))
        data = pa.Table.from_arrays(arrays, schema=schema)
        day = day[order]
        starts = np.flatnonzero(np.concatenate([[True], day[1:] != day[:-1]]))
        ends = np.append(starts[1:], len(day))
        for start, end in zip(starts, ends, strict=True):
            partition = EPOCH + dt.timedelta(days=int(day[start]))
            directory = layout.raw_dir(table, self.base) / f"day={partition.isoformat()}"
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / f"{HISTORY_PREFIX}s{self.seed}-{self.files:06d}.parquet"
            temporary = path.with_name(f".{path.name}.tmp")
            pq.write_table(data.slice(start, end - start), temporary, compression="zstd")
            os.replace(temporary, path)
            self.files += 1
        self.rows[table] += len(day)


def has_history(base: Path) -> bool:
    """Whether any generated history is in the raw layout."""
    return any(
        next(layout.raw_dir(table, base).glob(f"day=*/{HISTORY_PREFIX}*.parquet"), None)
        for table in layout.RAW_SCHEMAS
    )


def remove_history(base: Path) -> int:
    """Delete every ``history-*.parquet`` under raw/ (exported ``part-*`` files stay), and the
    day directories that leaves empty."""
    removed = 0
    for table in layout.RAW_SCHEMAS:
        for path in layout.raw_dir(table, base).glob(f"day=*/{HISTORY_PREFIX}*.parquet"):
            path.unlink()
            removed += 1
            if not any(path.parent.iterdir()):
                path.parent.rmdir()
    return removed
