# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the case conditions (models/case_condition.py): the patterns
that the routing and satisfaction rules match."""
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool

key_db_cache()

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402


class CaseConditionTestCase(tools.ModuleDatabaseTestCase):
    "Test the rules match the patterns of the cases"

    def _service(self, name):
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        template = Template(
            name=name, type='service',
            default_uom=Uom(ModelData.get_id('product', 'uom_unit')),
            products=[{}])
        template.save()
        return template.products[0]

    def _categories(self):
        "Return a category, its subcategory and an inactive subcategory"
        pool = Pool()
        Category = pool.get('party.category')
        parent = Category(name="Residential")
        parent.save()
        child = Category(name="Stratum 1", parent=parent)
        child.save()
        inactive = Category(name="Stratum 2", parent=parent, active=False)
        inactive.save()
        return parent, child, inactive

    @with_transaction()
    def test_routing_rule_match(self):
        "Test a routing rule matches the patterns that meet all its conditions"
        pool = Pool()
        Rule = pool.get('customer_care.routing.rule')
        company = create_company()
        other = create_company("Other")
        with set_company(company):
            service = self._service("Gas")
            parent, child, _ = self._categories()
            rule = Rule(
                name="Gas claims", company=None, kinds=['claim', 'complaint'],
                services=[service], categories=[parent],
                keywords="fuga, olor a gas", priority='high')
            rule.save()
        pattern = {
            'company': company.id,
            'kinds': 'claim',
            'channels': 'email',
            'priorities': 'normal',
            'services': service.id,
            'categories': {child.id, parent.id},
            'keywords': "Hay una FUGA en la calle",
            }
        # No company, channels nor priorities on the rule: any matches
        self.assertTrue(rule.match(pattern))
        self.assertTrue(rule.match({**pattern, 'company': other.id}))
        for key, value in [
                ('kinds', 'petition'),
                ('services', None),
                ('categories', set()),
                ('categories', {child.id + parent.id}),
                ('keywords', "Hay una fugaz estrella"),
                ('keywords', ""),
                ]:
            with self.subTest(key=key, value=value):
                self.assertFalse(rule.match({**pattern, key: value}))
        # Accents and case are ignored
        self.assertTrue(rule.match({**pattern, 'keywords': "Olor A GÁS"}))
        # A Many2Many key may hold one id or several
        self.assertTrue(rule.match({**pattern, 'categories': parent.id}))
        self.assertTrue(rule.match({**pattern, 'services': [service.id]}))

        Rule.write([rule], {'company': other.id, 'channels': ['phone']})
        self.assertFalse(rule.match(pattern))
        self.assertFalse(rule.match({**pattern, 'company': other.id}))
        self.assertTrue(rule.match(
                {**pattern, 'company': other.id, 'channels': 'phone'}))

        # A key that names no condition is an error, not ignored
        with self.assertRaises(KeyError):
            rule.match({**pattern, 'subject': "Fuga"})

    @with_transaction()
    def test_routing_pattern_categories(self):
        "Test the case's routing pattern has its categories and their parents"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            parent, child, inactive = self._categories()
            customer = Party(name="Customer", categories=[child, inactive])
            customer.save()
            case = Case(
                company=company, kind='claim', channel='web',
                priority='normal', customer=customer, service=None,
                subject="Fuga", description="Huele a gas")
            pattern = case._get_routing_rule_pattern()
        # The inactive category is left out, as the rule's search did
        self.assertEqual(pattern, {
                'company': company.id,
                'kinds': 'claim',
                'channels': 'web',
                'priorities': 'normal',
                'services': None,
                'categories': {child.id, parent.id},
                'keywords': "Fuga\nHuele a gas",
                })

    @with_transaction()
    def test_first_match(self):
        "Test the first matching routing rule is returned, in their order"
        pool = Pool()
        Rule = pool.get('customer_care.routing.rule')
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        company = create_company()
        other = create_company("Other")
        with set_company(company):
            customer = Party(name="Customer")
            customer.save()
            Rule.delete(Rule.search([]))
            foreign, broad, emergency = Rule.create([{
                        'name': "Other company's claims",
                        'company': other.id, 'kinds': ['claim'],
                        'priority': 'high',
                        }, {
                        'name': "Claims", 'company': None, 'kinds': ['claim'],
                        'priority': 'low',
                        }, {
                        'name': "Gas", 'company': None, 'keywords': "gas",
                        'priority': 'emergency', 'emergency': 'safety',
                        }])
            rules = Rule.search([])
            # The emergency rule is tried first, the other company's is
            # skipped
            self.assertEqual(rules, [emergency, foreign, broad])
            case = Case(
                company=company, kind='claim', channel='web',
                priority='normal', customer=customer, service=None,
                subject="Factura", description=None)
            self.assertEqual(case.route(rules), broad)
            case.subject = "Olor a gas"
            self.assertEqual(case.route(rules), emergency)
            case.kind = 'petition'
            case.subject = "Factura"
            self.assertIsNone(case.route(rules))

    @with_transaction()
    def test_satisfaction_rule_match(self):
        "Test a satisfaction rule matches on its Many2One conditions"
        pool = Pool()
        Rule = pool.get('customer_care.satisfaction.rule')
        Classification = pool.get('customer_care.regulator_classification')
        company = create_company()
        other = create_company("Other")
        with set_company(company):
            service = self._service("Gas")
            classification, = Classification.search([], limit=1) or (
                Classification.create([{'name': "Facturación"}]))
            rule = Rule(
                name="Gas claims", company=company, kinds=['claim'],
                service=service, method='all')
            rule.save()
        pattern = {
            'company': company.id,
            'kinds': 'claim',
            'channels': 'web',
            'service': service.id,
            'regulator_classification': None,
            }
        self.assertTrue(rule.match(pattern))
        self.assertTrue(rule.match(
                {**pattern, 'regulator_classification': classification.id}))
        for key, value in [
                ('company', other.id),
                ('kinds', 'complaint'),
                ('service', None),
                ]:
            with self.subTest(key=key, value=value):
                self.assertFalse(rule.match({**pattern, key: value}))
        rule.regulator_classification = classification
        rule.save()
        self.assertFalse(rule.match(pattern))
