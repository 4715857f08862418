"""Differential privacy for the public edition, instead of suppression: every count of people is released with
random noise, so that no figure says for certain whether any one person is in the data.

The noise is OpenDP's discrete Laplace mechanism with scale 1/ε, so each released count on its own is ε-
differentially private for a change of one person (ε is `REPORT_EPSILON`). A person is counted in several cells and
tables, so the guarantee for the whole report is weaker than ε (the cells' ε add up); the report says so. Noisy counts
below zero are released as zero, and a released total is a count with its own noise: parts need not add up to it
exactly. Activity counts and money, which are not about people, are released exactly.
"""

from functools import lru_cache

from reports.tables import Table

DEFAULT_EPSILON = 1.0


@lru_cache(maxsize=8)
def _mechanism(epsilon: float):
    import opendp.prelude as dp  # imported here: only the public edition with noise needs it

    dp.enable_features("contrib")  # the discrete Laplace mechanism is in OpenDP's "contrib" set
    return dp.m.make_laplace(dp.atom_domain(T=int), dp.absolute_distance(T=int), scale=1.0 / epsilon)


def add_noise(table: Table, epsilon: float = DEFAULT_EPSILON) -> None:
    """Replace every count of `table`, this year's and the year before's, by a noisy one (never below zero)."""
    release = _mechanism(epsilon)
    for row in table.rows:
        row.values = [max(0, release(v)) if isinstance(v, int) else v for v in row.values]
        if row.previous is not None:
            row.previous = [max(0, release(v)) if isinstance(v, int) else v for v in row.previous]


def epsilon_of(epsilon: float) -> float:
    """The ε each released count has, as OpenDP computes it for a change of one person."""
    return float(_mechanism(epsilon).map(1))
