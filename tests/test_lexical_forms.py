"""Typed literals are written in the canonical lexical form the store writes back, so the
published dump (assembled from what the loaders wrote) and the endpoint show the same terms."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from scholarkg.transform.emit import datetime_lexical, decimal_lexical

XSD = "http://www.w3.org/2001/XMLSchema#"


def stored(lexical: str, datatype: str) -> str:
    """The lexical form Oxigraph gives back for a literal it stored."""
    store = ox.Store()
    literal = ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))
    store.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), literal))
    [quad] = list(store)
    assert isinstance(quad.object, ox.Literal)
    return quad.object.value


zones = st.one_of(
    st.none(),
    st.just(dt.UTC),
    st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m))),
)


@settings(max_examples=300, derandomize=True)
@given(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)), zones)
def test_datetimes_are_written_as_the_store_writes_them(value: dt.datetime, zone: object) -> None:
    if zone is not None:
        value = value.replace(tzinfo=zone)  # type: ignore[arg-type]
    lexical = datetime_lexical(value)
    assert stored(lexical, "dateTime") == lexical


@settings(max_examples=300, derandomize=True)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_decimals_are_written_as_the_store_writes_them(value: float) -> None:
    lexical = decimal_lexical(value)
    assert stored(lexical, "decimal") == lexical
