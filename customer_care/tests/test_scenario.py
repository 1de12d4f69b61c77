# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Run the proteus scenarios (tests/scenario_*.rst).

`python -m unittest` picks them up through load_tests, as in Tryton's own
modules. pytest ignores load_tests, so each scenario is also wrapped in a
parametrized pytest test that builds the same doctest suite and fails when
the scenario fails or runs nothing.
"""
import io
import pathlib
import unittest

import pytest

from trytond.modules.customer_care.tests.tools import (
    key_db_cache, start_mail_sink)

key_db_cache()  # before test_tryton reads DB_CACHE, also under unittest
start_mail_sink()  # also under unittest; pytest's conftest starts it first

from trytond.tests.test_tryton import load_doc_tests  # noqa: E402

SCENARIOS = sorted(
    p.name for p in pathlib.Path(__file__).parent.glob('scenario_*.rst'))


def load_tests(*args, **kwargs):
    return load_doc_tests(__name__, __file__, *args, **kwargs)


@pytest.mark.parametrize('scenario', SCENARIOS)
def test_scenario(scenario):
    "Run one scenario file as a doctest suite"
    loader = unittest.TestLoader()
    loader.testNamePatterns = [scenario]
    suite = load_doc_tests(
        __name__, __file__, loader, unittest.TestSuite(), None)
    assert suite.countTestCases() == 1, scenario
    stream = io.StringIO()
    result = unittest.TextTestRunner(stream=stream, verbosity=2).run(suite)
    assert result.testsRun == 1, stream.getvalue()
    assert result.wasSuccessful(), stream.getvalue()
