# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The server refuses the external writes that change a read-only field"
import datetime as dt

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.models.exceptions import ReadonlyFieldError
from trytond.pool import Pool
from trytond.modules.customer_care.tests import tools
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import check_access


class ReadonlyTestCase(tools.ModuleDatabaseTestCase):
    "Test StateReadonlyMixin"

    def _case(self):
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        customer = Party(name="Customer")
        customer.save()
        case = Case(
            customer=customer, subject="Subject", kind='complaint',
            channel='phone', priority='high',
            received=dt.datetime.now().replace(microsecond=0))
        case.save()
        Case.register([case])
        return case

    @with_transaction()
    def test_case_external_write(self):
        "Test a client cannot change the kind of a registered case"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company = create_company()
        with set_company(company):
            case = self._case()
            with check_access():
                with self.assertRaises(ReadonlyFieldError) as cm:
                    Case.write([case], {
                            'description': "Changed",
                            'kind': 'compliment',
                            })
                self.assertIn(case.rec_name, cm.exception.message)
                with self.assertRaises(ReadonlyFieldError):
                    Case.write([case], {'state': 'closed'})
                # The same values and the editable fields are accepted
                Case.write([case], {
                        'kind': 'complaint', 'channel': 'phone',
                        'description': "Changed",
                        })
            case = Case(case.id)
            self.assertEqual(
                (case.kind, case.description), ('complaint', "Changed"))

            # The server itself may write it
            Case.write([case], {'kind': 'claim'})
            self.assertEqual(Case(case.id).kind, 'claim')

    @with_transaction()
    def test_case_draft_external_write(self):
        "Test a client changes the kind of a draft case"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            customer = Party(name="Customer")
            customer.save()
            case, = Case.create([{
                        'customer': customer.id, 'subject': "Subject",
                        'kind': 'complaint', 'channel': 'phone'}])
            with check_access():
                Case.write([case], {'kind': 'compliment', 'channel': 'web'})
            self.assertEqual(Case(case.id).kind, 'compliment')

    @with_transaction()
    def test_action_approval_answers(self):
        "Test the approval answers are editable only while waiting"
        pool = Pool()
        ImprovementAction = pool.get('customer_care.improvement_action')
        User = pool.get('res.user')
        company = create_company()
        with set_company(company):
            action, = ImprovementAction.create([{
                        'kind': 'corrective', 'title': "Title",
                        'responsible': User(1).id,
                        'due_date': dt.date.today() + dt.timedelta(days=30),
                        'lines': [('create', [{'activity': "Activity"}])],
                        }])
            with check_access():
                with self.assertRaises(ReadonlyFieldError):
                    ImprovementAction.write(
                        [action], {'meets_objective': 'yes'})
                # An empty value written back is no change
                ImprovementAction.write([action], {'meets_objective': None})
            ImprovementAction.wait([action])
            with check_access():
                ImprovementAction.write([action], {'meets_objective': 'yes'})
            self.assertEqual(
                ImprovementAction(action.id).meets_objective, 'yes')

    @with_transaction()
    def test_create_in_later_state(self):
        "Test a client cannot create a case or an action in a later state"
        pool = Pool()
        Case = pool.get('customer_care.case')
        ImprovementAction = pool.get('customer_care.improvement_action')
        Party = pool.get('party.party')
        User = pool.get('res.user')
        company = create_company()
        with set_company(company):
            customer = Party(name="Customer")
            customer.save()
            values = {
                'customer': customer.id, 'subject': "Subject",
                'kind': 'complaint', 'channel': 'phone'}
            with check_access():
                with self.assertRaises(ReadonlyFieldError):
                    Case.create([dict(values, state='cancelled')])
                with self.assertRaises(ReadonlyFieldError):
                    ImprovementAction.create([{
                                'kind': 'corrective', 'title': "Title",
                                'responsible': User(1).id,
                                'due_date': (
                                    dt.date.today() + dt.timedelta(days=30)),
                                'state': 'approved',
                                }])
                # Created in the initial state (given or not) is accepted
                case, = Case.create([dict(values, state='draft')])
                self.assertEqual(case.state, 'draft')
                case, = Case.create([values])
                self.assertEqual(case.state, 'draft')
