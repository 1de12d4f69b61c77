# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The statistics of the satisfaction surveys, against published and
hand-checked values."""
import unittest

from hypothesis import given, settings
from hypothesis import strategies as st

from trytond.modules.customer_care.models.sampling import draw
from trytond.modules.customer_care.models.survey_tabulation import (
    allocate, cochran, nps_margin, proportion_interval, z_score)


class SampleSizeTestCase(unittest.TestCase):
    "Cochran's formula with the finite population correction"

    def test_published_sizes(self):
        "The sizes of the published tables (95 %, 5 %, p = 0.5)"
        # Krejcie & Morgan (1970) and the usual survey tables
        for population, size in [
                (100, 80), (500, 218), (1000, 278), (10000, 370),
                (100000, 383), (1000000, 384)]:
            with self.subTest(population=population):
                self.assertEqual(cochran(population, '95', 0.05), size)

    def test_confidence_levels(self):
        "90 % and 99 % for 10,000 customers and 5 %"
        # z = 1.6449: n0 = 270.55, n = 270.55 / 1.02696 = 263.45
        self.assertEqual(cochran(10000, '90', 0.05), 264)
        # z = 2.5758: n0 = 663.49, n = 663.49 / 1.06625 = 622.27
        self.assertEqual(cochran(10000, '99', 0.05), 623)

    def test_expected_proportion(self):
        "A proportion far from 0.5 needs a smaller sample"
        # n0 = 3.8415 * 0.2 * 0.8 / 0.0025 = 245.85; / 1.02449 = 239.98
        self.assertEqual(cochran(10000, '95', 0.05, 0.2), 240)

    def test_small_population(self):
        "The sample never exceeds the population; no population, no sample"
        self.assertEqual(cochran(1, '95', 0.05), 1)
        self.assertEqual(cochran(0, '95', 0.05), 0)

    def test_invalid_margin(self):
        "A margin of error of 0 (or 1 and more) is refused"
        for margin in [0, -0.1, 1, 2]:
            with self.subTest(margin=margin):
                with self.assertRaises(ValueError):
                    cochran(1000, '95', margin)

    def test_z_score(self):
        "The normal quantiles of the confidence levels"
        self.assertAlmostEqual(z_score('95'), 1.959964, places=6)
        self.assertAlmostEqual(z_score(0.90), 1.644854, places=6)
        self.assertAlmostEqual(z_score('99'), 2.575829, places=6)


class AllocationTestCase(unittest.TestCase):
    "The proportional allocation between strata"

    def test_exact_allocation(self):
        "Strata of 5,000, 3,000 and 2,000 share 370 as 185, 111 and 74"
        self.assertEqual(
            allocate({'a': 5000, 'b': 3000, 'c': 2000}, 370),
            {'a': 185, 'b': 111, 'c': 74})

    def test_largest_remainders(self):
        "The units left by rounding go to the largest remainders"
        # Quotas 3.5, 2.1, 1.4: floors 3, 2, 1 and one unit left for 'a'
        self.assertEqual(
            allocate({'a': 50, 'b': 30, 'c': 20}, 7),
            {'a': 4, 'b': 2, 'c': 1})

    @settings(max_examples=50, deadline=None)
    @given(
        st.dictionaries(
            st.integers(0, 30), st.integers(0, 5000), min_size=1,
            max_size=8),
        st.integers(0, 20000))
    def test_allocation_sums(self, sizes, total):
        "The allocation sums to the sample and fits in each stratum"
        allocation = allocate(sizes, total)
        population = sum(sizes.values())
        self.assertEqual(sum(allocation.values()), min(total, population))
        for key, size in sizes.items():
            self.assertLessEqual(allocation[key], size)
            if population:
                self.assertLess(
                    abs(allocation[key]
                        - min(total, population) * size / population), 1)


class DrawTestCase(unittest.TestCase):
    "The random draws repeat with their seed"

    def test_reproducible(self):
        "The same population in any order and seed draw the same sample"
        population = list(range(1, 1001))
        sample = draw(population, 50, '42:None')
        self.assertEqual(len(sample), 50)
        self.assertEqual(draw(reversed(population), 50, '42:None'), sample)
        self.assertNotEqual(draw(population, 50, '43:None'), sample)
        self.assertTrue(set(sample) <= set(population))


class IntervalTestCase(unittest.TestCase):
    "The confidence intervals of CSAT and NPS"

    def test_csat_interval(self):
        "30 of 40 answers of 4 or 5 among 200 customers"
        # p = 0.75, se = sqrt(0.75 * 0.25 / 40) = 0.068465,
        # fpc = sqrt(160 / 199) = 0.896683, margin = 1.96 * se * fpc = 0.1203
        p, low, high = proportion_interval(30, 40, 200, 0.95)
        self.assertAlmostEqual(p, 0.75)
        self.assertAlmostEqual(low, 0.6297, places=4)
        self.assertAlmostEqual(high, 0.8703, places=4)

    def test_whole_population(self):
        "Surveying the whole population leaves no sampling error"
        self.assertEqual(proportion_interval(3, 4, 4), (0.75, 0.75, 0.75))

    def test_nps_margin(self):
        "25 promoters and 10 detractors of 50 answers among 500 customers"
        # NPS = 50 % - 20 % = 30; var = 0.7 - 0.09 = 0.61,
        # MoE = 1.96 * sqrt(0.61 / 50) * sqrt(450 / 499) = 20.56 points
        score, margin = nps_margin(25, 10, 50, 500, 0.95)
        self.assertAlmostEqual(score, 30)
        self.assertAlmostEqual(margin, 20.558, places=3)

    def test_no_answers(self):
        "No figures without answers"
        self.assertIsNone(proportion_interval(0, 0, 100))
        self.assertIsNone(nps_margin(0, 0, 0, 100))
