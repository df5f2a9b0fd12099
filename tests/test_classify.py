"""Class breaks equal mapclassify's; the 1-2-5 scheme reads well and covers every value."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from g60map.corridor.classify import classify, fisher_jenks, nice_breaks, quantiles

mapclassify = pytest.importorskip("mapclassify")

values = st.lists(
    st.floats(min_value=0, max_value=1e9, allow_nan=False).map(lambda v: round(v, 2)),
    min_size=6,
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(values, st.integers(2, 6))
def test_quantiles_equal_mapclassify(xs, k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = mapclassify.Quantiles(np.array(xs), k=k).bins
    # scipy's interpolation can split one tie into two bounds a rounding error apart
    # a bound scipy misses a tie by a rounding error is that tie (as quantiles() snaps it)
    data = np.unique(xs)
    tol = 64 * np.finfo(float).eps * max(float(np.abs(data).max()), 1.0)
    snapped = {float(data[np.argmin(np.abs(data - b))]) if np.abs(data - b).min() <= tol
               else float(b) for b in ref}
    assert quantiles(xs, k) == pytest.approx(tuple(sorted(snapped)), rel=1e-12, abs=tol)


@settings(max_examples=40, deadline=None)
@given(values, st.integers(2, 5))
# a class of small close values next to large ones (sums of squares of 1e15 cancelled them)
@example([0.0, 1.0, 3.0, 47453133.0, 47453133.0, 0.5, 0.5], 4)
def test_natural_breaks_equal_mapclassify(xs, k):
    if len(set(xs)) < k:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = mapclassify.FisherJenks(np.array(xs), k=k)
    ours = fisher_jenks(xs, k)
    # both are optimal partitions; compare the goodness (sum of squared deviations)
    def ssd(bins):
        cls = np.searchsorted(np.asarray(bins), xs, side="left")
        arr = np.asarray(xs)
        return sum(((arr[cls == c] - arr[cls == c].mean()) ** 2).sum() for c in set(cls))
    assert ssd(ours) <= ssd(ref.bins) * (1 + 1e-6) + 1e-6
    assert len(ours) == k and ours[-1] == max(xs)


def test_natural_breaks_on_the_mapclassify_example():
    cal = mapclassify.load_example()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed"
        ref = mapclassify.FisherJenks(cal, k=5).bins
    assert fisher_jenks(cal, 5) == pytest.approx(tuple(ref))


@settings(max_examples=100, deadline=None)
@given(values)
def test_nice_breaks_cover_every_positive_value_on_the_1_2_5_series(xs):
    bins = nice_breaks(xs)
    positive = [x for x in xs if x > 0]
    if not positive:
        assert bins == ()
        return
    assert 1 <= len(bins) <= 5 and bins[-1] >= max(positive)
    for b in bins:
        mantissa = b / 10 ** np.floor(np.log10(b))
        assert round(mantissa, 6) in (1.0, 2.0, 5.0)
    c = classify(xs, "nice")
    assert all((i == -1) == (x <= 0) for i, x in zip(c.index, xs, strict=True))


def test_classify_rejects_unknown_schemes():
    with pytest.raises(ValueError, match="unknown scheme"):
        classify([1, 2], "jenks")


HUGE = [1.79e308, -1.79e308, 0.0, 3.0, 7.0, 9.0, 11.0, 1e200, 5e305]


@pytest.mark.parametrize("scheme", ["nice", "quantiles", "natural_breaks"])
def test_the_largest_floats_are_classed_without_overflow(scheme):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would fail here
        c = classify(HUGE, scheme, 5)
    assert all(np.isfinite(c.bins)) and c.bins[-1] == 1.79e308
    assert c.index[0] == c.k - 1 and (c.index >= -1).all()


@pytest.mark.parametrize("k", [2, 3, 5])
def test_quantiles_and_natural_breaks_scale_with_the_values(k):
    xs = np.array([1.0, 2.5, 3.0, 10.0, 11.0, 12.0, 50.0, -4.0, 0.1])
    factor = 2.0**900  # beyond 1e154 squares overflow; a power of two scales exactly
    assert quantiles(xs * factor, k) == tuple(b * factor for b in quantiles(xs, k))
    assert fisher_jenks(xs * factor, k) == tuple(b * factor for b in fisher_jenks(xs, k))


def test_quantiles_between_the_largest_floats_of_both_signs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 1.79e308 - (-1.79e308) would overflow
        assert quantiles([-1.79e308, 1.79e308] * 3, 5) == (-1.79e308, 1.79e308)
