# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the checks run by validate_fields: each runs when a field it
checks is created or written, not on the write of another field, and the
checks that search do it once for all the records."""
import datetime as dt
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.transaction import Transaction

key_db_cache()

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402


class ChecksTestCase(tools.ModuleDatabaseTestCase):
    "Test the checks of validate_fields run only for the fields they check"

    def assertCheckedOn(self, Model, method, records, unrelated, checked):
        """Assert that writing the values unrelated to the records does not
        run Model.method and that writing checked runs it once"""
        with patch.object(Model, method) as check:
            Model.write(records, unrelated)
            check.assert_not_called()
            Model.write(records, checked)
            check.assert_called_once()
            if check.call_args.args:
                self.assertEqual(list(check.call_args.args[0]), records)

    def assertCheckedOnCreate(self, Model, method, values):
        "Assert that creating with values runs Model.method once"
        with patch.object(Model, method) as check:
            records = Model.create([values])
            check.assert_called_once()
        return records

    @with_transaction()
    def test_routing_rule(self):
        "Test the conditions and the results of a routing rule are checked"
        pool = Pool()
        Rule = pool.get('customer_care.routing.rule')
        company = create_company()
        with set_company(company):
            values = {'name': "Claims", 'kinds': ['claim'], 'priority': 'high'}
            for method in ['check_condition', 'check_result']:
                self.assertCheckedOnCreate(Rule, method, values)
            rules = Rule.create([values])
            self.assertCheckedOn(
                Rule, 'check_condition', rules,
                {'name': "Other", 'priority': 'low'}, {'keywords': "gas"})
            self.assertCheckedOn(
                Rule, 'check_result', rules,
                {'name': "Other", 'channels': ['web']},
                {'responsible': Transaction().user})
            # The checks still refuse
            with self.assertRaises(ValidationError):
                Rule.write(
                    rules, {'kinds': [], 'channels': [], 'keywords': ""})
            with self.assertRaises(ValidationError):
                Rule.write(rules, {'priority': None, 'responsible': None})

    @with_transaction()
    def test_satisfaction_rule(self):
        "Test the sample size of a satisfaction rule is checked"
        pool = Pool()
        Rule = pool.get('customer_care.satisfaction.rule')
        values = {'name': "Claims", 'kinds': ['claim'], 'method': 'all'}
        self.assertCheckedOnCreate(Rule, 'check_sample_size', values)
        rules = Rule.create([values])
        self.assertCheckedOn(
            Rule, 'check_sample_size', rules,
            {'name': "Other", 'kinds': ['complaint']}, {'sample_size': 5})
        with self.assertRaises(ValidationError):
            Rule.write(rules, {'method': 'sample', 'sample_size': -1})

    @with_transaction()
    def test_sla_target(self):
        "Test the SLA targets are checked in one search"
        pool = Pool()
        Sla = pool.get('customer_care.sla')
        Target = pool.get('customer_care.sla.target')
        company = create_company()
        with set_company(company):
            sla, = Sla.create([{'name': "Gold", 'compliance_target': 90}])
            values = {
                'sla': sla.id, 'kind': 'claim',
                'response_duration': 1, 'answer_duration': 5,
                }
            for method in ['check_unique', 'check_response_before_answer']:
                Target.delete(
                    self.assertCheckedOnCreate(Target, method, values))
            targets = Target.create([
                    {**values, 'kind': kind}
                    for kind in ['claim', 'complaint', 'petition']])
            self.assertCheckedOn(
                Target, 'check_unique', targets,
                {'response_duration': 2}, {'priority': 'high'})
            self.assertCheckedOn(
                Target, 'check_response_before_answer', targets,
                {'priority': 'low'}, {'answer_unit': 'hour'})

            with patch.object(Target, 'search', wraps=Target.search) as search:
                Target.check_unique(targets)
                self.assertEqual(search.call_count, 1)
            # A duplicate among the records created together is refused
            with self.assertRaises(ValidationError):
                Target.create([{**values, 'kind': 'suggestion'}] * 2)
            with self.assertRaises(ValidationError):
                Target.write(targets[:1], {
                        'response_duration': 10, 'answer_unit': 'day'})

    @with_transaction()
    def test_term(self):
        "Test the terms are checked in one search"
        pool = Pool()
        Term = pool.get('customer_care.term')
        values = {'kind': 'complaint', 'duration': 5, 'unit': 'day'}
        Term.delete(Term.search([]))
        for method in ['check_petition_kind', 'check_unique']:
            Term.delete(self.assertCheckedOnCreate(Term, method, values))
        terms = Term.create([
                {**values, 'kind': kind}
                for kind in ['complaint', 'claim', 'suggestion']])
        self.assertCheckedOn(
            Term, 'check_unique', terms,
            {'duration': 10, 'legal_basis': "Ley"}, {'emergency': False})
        self.assertCheckedOn(
            Term, 'check_petition_kind', terms,
            {'duration': 8, 'emergency': False}, {'petition_kind': None})

        with patch.object(Term, 'search', wraps=Term.search) as search:
            Term.check_unique(terms)
            self.assertEqual(search.call_count, 1)
        emergency, = Term.create([
                {'emergency': True, 'duration': 4, 'unit': 'hour'}])
        for duplicates in [
                # The SQL constraint does not see these: NULL kinds
                [{'emergency': True, 'duration': 8, 'unit': 'hour'}],
                [{'kind': 'petition', 'duration': 8, 'unit': 'day'}] * 2,
                ]:
            with self.subTest(duplicates=duplicates):
                with self.assertRaises(ValidationError):
                    Term.create(duplicates)
        with self.assertRaises(ValidationError):
            Term.write(terms[:1], {'petition_kind': 'general'})

    @with_transaction()
    def test_information_request(self):
        "Test the due date of an information request is checked"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        Request = pool.get('customer_care.case.information_request')
        company = create_company()
        with set_company(company):
            customer = Party(name="Customer")
            customer.save()
            case, = Case.create([{
                        'customer': customer.id, 'subject': "Subject",
                        'received': dt.datetime(2026, 3, 2, 10),
                        }])
            values = {
                'case': case.id, 'user': Transaction().user,
                'kind': 'information', 'question': "Why?",
                'due_date': dt.date(2026, 3, 10),
                }
            self.assertCheckedOnCreate(Request, 'check_due_date', values)
            requests = Request.create([values])
            self.assertCheckedOn(
                Request, 'check_due_date', requests,
                {'question': "Why not?"}, {'due_date': dt.date(2026, 3, 12)})
            with self.assertRaises(UserError):
                Request.write(requests, {'due_date': dt.date(2026, 3, 1)})

    @with_transaction()
    def test_survey_campaign(self):
        "Test the parameters of a survey campaign are checked"
        pool = Pool()
        Campaign = pool.get('customer_care.survey.campaign')
        Questionnaire = pool.get('customer_care.questionnaire')
        company = create_company()
        with set_company(company):
            questionnaire, = Questionnaire.create([{
                        'name': "Service", 'title': "Our service",
                        'questions': [('create', [{
                                        'sequence': 1, 'text': "Rate us",
                                        'type': 'rating',
                                        }])],
                        }])
            values = {
                'name': "2026", 'questionnaire': questionnaire.id,
                'start_date': dt.date(2026, 1, 1),
                'end_date': dt.date(2026, 12, 31),
                'sampling': 'all', 'channels': ['manager'],
                }
            self.assertCheckedOnCreate(Campaign, 'check_parameters', values)
            campaigns = Campaign.create([values])
            self.assertCheckedOn(
                Campaign, 'check_parameters', campaigns,
                {'name': "2026 bis", 'objective': "Know them"},
                {'margin_error': 0.1})
            with self.assertRaises(ValidationError):
                Campaign.write(campaigns, {'proportion': 1.5})
