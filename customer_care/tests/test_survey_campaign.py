# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the population domain of the survey campaigns."""
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.models.exceptions import (
    SurveyCampaignValidationError)
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool

key_db_cache()

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402


class SurveyCampaignTestCase(tools.ModuleDatabaseTestCase):
    "Test the population domain of the survey campaigns"

    def _campaign(self, domain):
        pool = Pool()
        Campaign = pool.get('customer_care.survey.campaign')
        return Campaign(
            name="Campaign", rec_name="Campaign", domain=domain,
            margin_error=0.05,
            proportion=0.5, start_date=None, end_date=None, contact_by=None,
            satisfaction_question=None, satisfied_threshold=None)

    @with_transaction()
    def test_population_domain(self):
        "Test a domain is read as the client writes it"
        company = create_company()
        with set_company(company):
            campaign = self._campaign('[["name", "=", "Customer"]]')
            self.assertEqual(
                campaign.population_domain(), [['name', '=', 'Customer']])
            campaign.check_parameters()

    @with_transaction()
    def test_invalid_population_domain(self):
        "Test a domain that is not one of the parties is refused"
        company = create_company()
        with set_company(company):
            for text in [
                    'not a domain',
                    '[["name", "=", "Customer"]',
                    "[('name', '=', 'Customer')]",
                    '{"name": "Customer"}',
                    '[["unknown", "=", 1]]',
                    '[["name", "resembles", "Customer"]]',
                    '[["name"]]',
                    '[["categories", "in", 3]]',
                    '[3]',
                    ]:
                with self.subTest(domain=text), self.assertRaisesRegex(
                        SurveyCampaignValidationError,
                        'domain of campaign "Campaign"'):
                    self._campaign(text).check_parameters()
