# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The statistics of the satisfaction surveys, against published and
hand-checked values."""
import unittest

from hypothesis import given, settings
from hypothesis import strategies as st

from trytond.modules.customer_care.models.sampling import draw
from trytond.modules.customer_care.models.survey_tabulation import (
    allocate, cochran, nps_interval, paired_difference, proportion_interval,
    wilson, z_score)


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
    "The confidence intervals of CSAT, SC and NPS"

    def test_wilson_published(self):
        "The Wilson intervals of Newcombe (1998), Table I, at 95 %"
        # Newcombe, "Two-sided confidence intervals for the single
        # proportion", Statistics in Medicine 17: 857-872, method 3
        z = z_score('95')
        for successes, sample, low, high in [
                (81, 263, 0.2553, 0.3662),
                (15, 148, 0.0624, 0.1605),
                (0, 20, 0.0, 0.1611),
                (1, 29, 0.0061, 0.1718)]:
            with self.subTest(successes=successes, sample=sample):
                interval = wilson(successes, sample, z)
                self.assertAlmostEqual(interval[0], low, places=4)
                self.assertAlmostEqual(interval[1], high, places=4)

    def test_proportion_interval_infinite(self):
        "Without a population, the interval is Wilson's"
        self.assertEqual(
            proportion_interval(81, 263, None, 0.95)[1:],
            wilson(81, 263, z_score(0.95)))

    def test_csat_interval(self):
        "30 of 40 answers of 4 or 5 among 200 customers"
        # fpc = sqrt(160 / 199) = 0.896683, z' = 1.959964 * fpc = 1.757444,
        # z'² / n = 0.077215: centre = (0.75 + 0.038608) / 1.077215 =
        # 0.732080, half = z' / 1.077215 * sqrt(0.1875 / 40 + 0.077215 /
        # 160) = 0.117308
        p, low, high = proportion_interval(30, 40, 200, 0.95)
        self.assertAlmostEqual(p, 0.75)
        self.assertAlmostEqual(low, 0.6148, places=4)
        self.assertAlmostEqual(high, 0.8494, places=4)

    def test_whole_population(self):
        "Surveying the whole population leaves no sampling error"
        self.assertEqual(proportion_interval(3, 4, 4), (0.75, 0.75, 0.75))
        self.assertEqual(nps_interval(3, 1, 4, 4), (50.0, 50.0, 50.0))

    def test_paired_difference_published(self):
        "Newcombe's square-and-add interval of a paired table"
        # Fagerland, Lydersen and Laake, "Statistical Analysis of
        # Contingency Tables" (2017), chapter 8, complete response before
        # and after consolidation therapy (Cavo et al. 2012): 59, 6, 16,
        # 80 give -0.0621 (95 % CI -0.1186 to -0.0046), as the book's R
        # package contingencytables prints; a positive correlation (ad -
        # bc > n / 2) is reduced by n / 2
        d, low, high = paired_difference(59, 6, 16, 80, z_score('95'))
        self.assertAlmostEqual(d, -0.0621, places=4)
        self.assertAlmostEqual(low, -0.1186, places=4)
        self.assertAlmostEqual(high, -0.0046, places=4)

    def test_nps_interval(self):
        "25 promoters and 10 detractors of 50 answers, no population"
        # Wilson 25 / 50: [0.366445, 0.633555], 10 / 50: [0.112438,
        # 0.330371]; phi = -sqrt(0.5 * 0.2 / (0.5 * 0.8)) = -0.5, so
        # low = 0.3 - sqrt(0.133555² + 0.133555 * 0.130371 + 0.130371²)
        # = 0.3 - 0.228572, high = 0.3 + sqrt(0.133555² + 0.133555 *
        # 0.087562 + 0.087562²) = 0.3 + 0.192869
        score, low, high = nps_interval(25, 10, 50, None, 0.95)
        self.assertAlmostEqual(score, 30)
        self.assertAlmostEqual(low, 7.14, places=2)
        self.assertAlmostEqual(high, 49.29, places=2)

    def test_two_answers(self):
        "With two answers the intervals stay within their bounds"
        # The normal approximation gave 0 ± 138.6 points for one promoter
        # and one detractor, and 100 ± 0 for two promoters
        for promoters, detractors in [
                (0, 0), (1, 0), (2, 0), (0, 1), (0, 2), (1, 1)]:
            with self.subTest(promoters=promoters, detractors=detractors):
                score, low, high = nps_interval(
                    promoters, detractors, 2, None, 0.95)
                self.assertTrue(-100 <= low <= score <= high <= 100)
                self.assertLess(low, high)
        self.assertEqual(
            [round(v, 2) for v in nps_interval(1, 1, 2, None, 0.95)],
            [0, -81.09, 81.09])
        self.assertEqual(
            [round(v, 2) for v in nps_interval(2, 0, 2, None, 0.95)],
            [100, 7.0, 100])
        for successes in range(3):
            with self.subTest(successes=successes):
                p, low, high = proportion_interval(successes, 2, None, 0.95)
                self.assertTrue(0 <= low <= p <= high <= 1)
                self.assertLess(low, high)

    @settings(max_examples=300, deadline=None)
    @given(
        st.integers(1, 500), st.integers(0, 500), st.integers(0, 500),
        st.integers(0, 2000), st.sampled_from(['90', '95', '99']))
    def test_bounds(self, sample, promoters, detractors, extra, confidence):
        "Every interval lies within its bounds and holds its estimate"
        promoters = min(promoters, sample)
        detractors = min(detractors, sample - promoters)
        population = sample + extra
        score, low, high = nps_interval(
            promoters, detractors, sample, population, confidence)
        self.assertTrue(-100 <= low <= score + 1e-9)
        self.assertTrue(score - 1e-9 <= high <= 100)
        p, low, high = proportion_interval(
            promoters, sample, population, confidence)
        self.assertTrue(0 <= low <= p + 1e-12)
        self.assertTrue(p - 1e-12 <= high <= 1)

    def test_no_answers(self):
        "No figures without answers"
        self.assertIsNone(proportion_interval(0, 0, 100))
        self.assertIsNone(nps_interval(0, 0, 0, 100))
