"""A cast table as the DataFrame the app uses (:func:`to_pandas`)."""

from __future__ import annotations


import pyarrow as pa


# --------------------------------------------------------------------------
# to pandas


def to_pandas(values: dict[str, pa.Array]):
    """The DataFrame of a cast table: text as pandas strings, integers as Int64, numbers as float64, booleans as
    boolean, dates and datetimes as datetime64[us]."""
    import pandas as pd

    columns = {}
    for name, array in values.items():
        if pa.types.is_date(array.type) or pa.types.is_timestamp(array.type):
            array = array.cast(pa.timestamp("us"))
        columns[name] = array
    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return pa.table(columns).to_pandas(types_mapper=mapping.get) if columns else pd.DataFrame()
