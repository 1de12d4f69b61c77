# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests import test_tryton


class CustomerCareTestCase(CompanyTestMixin, test_tryton.ModuleTestCase):
    "Test Customer Care module"
    module = 'customer_care'
    # A routing rule without company applies to every company
    _skip_company_rule = {('customer_care.routing.rule', 'company')}
