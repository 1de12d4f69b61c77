# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Incomplete requests (Ley 1755 de 2015, art. 17): the case asks the
customer to complete it, its term is suspended until the customer replies
(by e-mail, on the follow-up page) or an agent resumes it, and it is closed
as withdrawn once the customer's month is over."""
import datetime as dt

from dateutil.relativedelta import relativedelta

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.transaction import Transaction

key_db_cache()

from trytond.modules.customer_care import case_follow_up_page  # noqa: E402
from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.modules.customer_care.tests.test_case_email import (  # noqa: E402,E501
    ACTION, INBOX_ADDRESS, message)
from trytond.tests.test_tryton import with_transaction  # noqa: E402
from trytond.transaction import check_access  # noqa: E402

ADDRESS = 'ana.gomez@example.com'


class CaseSuspensionTestCase(tools.ModuleDatabaseTestCase):
    "Test the requests to the customers to complete their cases"

    def setup_case(self, received=None, contract=False, **values):
        """Create a company, its customer (with ADDRESS) and a petition in
        analysis; return the company and the case"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = tools.create_company_customer(customer={
                'addresses': [{}],
                'contact_mechanisms': [
                    {'type': 'email', 'value': ADDRESS}],
                })
        with set_company(company):
            if contract:
                values['contract'] = self.contract(customer)
            case = Case(
                customer=customer, subject="Certificado",
                contact_email=ADDRESS, kind='petition',
                received=received or dt.datetime.now().replace(
                    microsecond=0),
                **values)
            case.save()
            Case.register([case])
            Case.analyse([case])
        return company, case

    def contract(self, customer):
        "Return a running contract of customer with an SLA for petitions"
        pool = Pool()
        Sla = pool.get('customer_care.sla')
        Contract = pool.get('sale.subscription')
        RuleSet = pool.get('sale.subscription.recurrence.rule.set')
        sla = Sla(name="Gold", compliance_target=80, targets=[{
                    'kind': 'petition', 'response_duration': 2,
                    'answer_duration': 10}])
        sla.save()
        rule_set, = RuleSet.create([{
                    'name': "Monthly",
                    'rules': [('create', [{'freq': 'monthly'}])],
                    }])
        contract = Contract(
            party=customer, invoice_address=customer.addresses[0],
            start_date=dt.date(2026, 1, 1), invoice_recurrence=rule_set,
            sla=sla, compliance_target=80)
        contract.save()
        Contract.write([contract], {'state': 'running'})
        return contract

    def ask(self, case, request="Copy of your ID"):
        "Run the wizard on case as the agents do"
        pool = Pool()
        Ask = pool.get('customer_care.case.ask_customer', type='wizard')
        with Transaction().set_context(
                active_model='customer_care.case', active_id=case.id,
                active_ids=[case.id]):
            session_id, _, _ = Ask.create()
            wizard = Ask(session_id)
            defaults = wizard.default_start(None)
            wizard.start.request = request
            wizard.transition_ask()
        return defaults

    def sent_to(self, case):
        pool = Pool()
        IrEmail = pool.get('ir.email')
        return IrEmail.search(
            [('resource', '=', str(case))], order=[('id', 'ASC')])

    @with_transaction()
    def test_ask_customer(self):
        "The wizard e-mails the request, records it and suspends the case"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Date = pool.get('ir.date')
        company, case = self.setup_case()
        with set_company(company):
            before = len(self.sent_to(case))
            defaults = self.ask(case, "Copy of your ID\n\nThe bill")
            case = Case(case.id)

            self.assertIn(ADDRESS, defaults['recipient'])
            self.assertEqual(case.state, 'customer')
            suspension, = case.suspensions
            self.assertEqual(suspension.state, 'suspended')
            self.assertEqual(suspension.previous_state, 'analysis')
            self.assertEqual(suspension.request, "Copy of your ID\n\nThe bill")
            self.assertEqual(suspension.requested_by.id, Transaction().user)
            today = Date.today()
            self.assertEqual(
                suspension.limit_date, today + relativedelta(months=1))
            self.assertEqual(defaults['limit_date'], suspension.limit_date)
            # The e-mail, threaded with the case's e-mails
            emails = self.sent_to(case)
            self.assertEqual(len(emails), before + 1)
            email_ = emails[-1]
            self.assertIn(case.number, email_.subject)
            self.assertIn("please complete it", email_.subject)
            self.assertIn("Copy of your ID", email_.body)
            self.assertIn("<div>The bill</div>", email_.body)
            self.assertTrue(email_.message_id)
            # Suspended: neither overdue nor due soon nor reminded
            self.assertIsNone(case.due_status)
            self.assertNotIn(case, Case.search(
                    [('due_status', 'in', ['overdue', 'due_soon'])]))

    @with_transaction()
    def test_ask_customer_refused(self):
        "Asking needs a text and a case in analysis or assigned"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, case = self.setup_case()
        with set_company(company):
            with self.assertRaises(UserError):
                Case.suspend([case], "  ")
            self.assertEqual(case.state, 'analysis')
            self.assertFalse(case.suspensions)
            Case.suspend([case], "ID")
            with self.assertRaises(UserError):
                Case.suspend([Case(case.id)], "ID")
            self.assertEqual(len(Case(case.id).suspensions), 1)

    @with_transaction()
    def test_due_date_moved_across_holiday(self):
        "The term and the SLA answer deadline move by the days suspended"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Suspension = pool.get('customer_care.case.suspension')
        # Tuesday 3 November 2026; Monday 16 November is a holiday
        company, case = self.setup_case(
            received=dt.datetime(2026, 11, 3, 10, 0), contract=True)
        with set_company(company):
            # 15 business days: 4, 5, 6, 9-13, (16), 17-20, 23, 24, 25
            self.assertEqual(case.due_date, dt.date(2026, 11, 25))
            # 10 business days: 4, 5, 6, 9-13, (16), 17, 18
            self.assertEqual(
                case.sla_answer_deadline, dt.datetime(2026, 11, 18, 23, 59, 59))
            response = case.sla_response_deadline
            Case.suspend([case], "The bill")
            suspension, = Case(case.id).suspensions
            # Asked on Friday 13 November
            Suspension.write([suspension], {
                    'requested': dt.datetime(2026, 11, 13, 10, 0)})
            # Resumed on Wednesday 18: 14, 15 weekend, 16 holiday, 17, 18
            Case.resume_from_customer(
                [Case(case.id)], 'manual',
                now=dt.datetime(2026, 11, 18, 15, 0))
            case = Case(case.id)
            suspension = Suspension(suspension.id)

            self.assertEqual(suspension.days, 2)
            self.assertEqual(suspension.resumed_how, 'manual')
            self.assertEqual(suspension.state, 'resumed')
            self.assertEqual(case.state, 'analysis')
            self.assertEqual(case.suspended_days, 2)
            # 25 November + 2 business days: 26, 27
            self.assertEqual(case.due_date, dt.date(2026, 11, 27))
            self.assertEqual(
                case.deadline, dt.datetime(2026, 11, 27, 23, 59, 59))
            self.assertEqual(case.initial_due_date, dt.date(2026, 11, 25))
            # 18 November + 2: 19, 20
            self.assertEqual(
                case.sla_answer_deadline, dt.datetime(2026, 11, 20, 23, 59, 59))
            self.assertEqual(case.sla_response_deadline, response)
            # A new computation of the term keeps the days suspended
            case.save()
            Case.write([case], {'received': dt.datetime(2026, 11, 3, 10, 0)})
            self.assertEqual(Case(case.id).due_date, dt.date(2026, 11, 27))

    @with_transaction()
    def test_resume_by_email_reply(self):
        "A reply of the customer by e-mail resumes the case"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Inbox = pool.get('inbound.email.inbox')
        Rule = pool.get('inbound.email.rule')
        Email = pool.get('inbound.email')
        company, case = self.setup_case()
        case.responsible = None
        with set_company(company):
            Case.assign_by_team([case])
            inbox = Inbox(
                name="PQRS", company=company, care_addresses=INBOX_ADDRESS,
                rules=[Rule(action=ACTION)])
            inbox.save()
            Case.suspend([case], "The bill")
            reply = message(
                subject=f"RE: [{case.number}] Certificado",
                body="Adjunto la factura.")
            email_, = Email.from_webhook(inbox, reply, 'raw')
            inbox.process(email_)
            Email.save([email_])

            self.assertEqual(email_.care_status, 'replied')
            case = Case(case.id)
            self.assertEqual(case.state, 'analysis')
            suspension, = case.suspensions
            self.assertEqual(suspension.resumed_how, 'email')
            self.assertEqual(suspension.state, 'resumed')

    @with_transaction()
    def test_resume_by_follow_up_page(self):
        "A message on the follow-up page resumes the case"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, case = self.setup_case()
        with set_company(company):
            Case.write([case], {'responsible': Transaction().user})
            Case.assign([case])
            Case.suspend([case], "The bill")
            case_follow_up_page.add_message(
                Case(case.id), "Here is the bill", [])
            case = Case(case.id)
            self.assertEqual(case.state, 'assigned')
            suspension, = case.suspensions
            self.assertEqual(suspension.resumed_how, 'page')
            # Resuming again is refused
            with self.assertRaises(UserError):
                Case.resume_suspension([case])

    @with_transaction()
    def test_withdraw(self):
        "Closed as withdrawn only once the month is over"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Suspension = pool.get('customer_care.case.suspension')
        Date = pool.get('ir.date')
        company, case = self.setup_case()
        with set_company(company):
            Case.suspend([case], "The bill")
            suspension, = Case(case.id).suspensions
            with self.assertRaises(UserError):
                Case.withdraw([Case(case.id)])
            self.assertEqual(Case(case.id).state, 'customer')

            # Asked a month and a day ago
            today = Date.today()
            asked = today - dt.timedelta(days=32)
            Suspension.write([suspension], {
                    'requested': dt.datetime.combine(asked, dt.time(12))})
            # Too late to prolong
            with self.assertRaises(UserError):
                Case.prolong_suspension([Case(case.id)])
            before = len(self.sent_to(case))
            Case.withdraw([Case(case.id)])
            case = Case(case.id)
            self.assertEqual(case.state, 'closed')
            self.assertTrue(case.withdrawn)
            self.assertTrue(case.closed_date)
            self.assertEqual(Suspension(suspension.id).state, 'withdrawn')
            self.assertEqual(
                Case.search([('withdrawn', '=', True)]), [case])
            notice = self.sent_to(case)[before:]
            self.assertEqual(len(notice), 1)
            self.assertIn("withdrawn", notice[0].subject)

    @with_transaction()
    def test_prolong(self):
        "Prolonged once: one more month"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, case = self.setup_case()
        with set_company(company):
            Case.suspend([case], "The bill")
            suspension, = Case(case.id).suspensions
            limit = suspension.limit_date
            Case.prolong_suspension([Case(case.id)])
            suspension, = Case(case.id).suspensions
            self.assertTrue(suspension.prolonged)
            self.assertGreater(suspension.limit_date, limit)
            with self.assertRaises(UserError):
                Case.prolong_suspension([Case(case.id)])

    @with_transaction()
    def test_cron_reminds_once(self):
        "The scheduled action tells the responsible once"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Suspension = pool.get('customer_care.case.suspension')
        Notification = pool.get('res.notification')
        Date = pool.get('ir.date')
        company, case = self.setup_case()
        with set_company(company):
            Case.write([case], {'responsible': Transaction().user})
            Case.suspend([case], "The bill")
            suspension, = Case(case.id).suspensions
            self.assertEqual(Case.remind_withdrawals(), [])
            Suspension.write([suspension], {
                    'requested': dt.datetime.combine(
                        Date.today() - dt.timedelta(days=40), dt.time(12))})
            count = Notification.search([], count=True)
            self.assertEqual(Case.remind_withdrawals(), [suspension])
            self.assertEqual(Notification.search([], count=True), count + 1)
            self.assertEqual(Case.remind_withdrawals(), [])
            # Only reminded: the case waits for a decision
            self.assertEqual(Case(case.id).state, 'customer')

    @with_transaction()
    def test_access(self):
        "Agents read the suspensions, never write them but by the buttons"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Suspension = pool.get('customer_care.case.suspension')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Group = pool.get('res.group')
        company, case = self.setup_case()
        with set_company(company):
            agent = User(
                login='agent', companies=[company], company=company,
                groups=[Group(ModelData.get_id(
                            'customer_care', 'group_customer_care'))])
            agent.save()
            Case.suspend([case], "The bill")
            suspension, = Case(case.id).suspensions
        with Transaction().set_user(agent.id), \
                Transaction().set_context(company=company.id), \
                check_access():
            suspension = Suspension(suspension.id)
            self.assertEqual(suspension.request, "The bill")
            with self.assertRaises(AccessError):
                Suspension.write([suspension], {'request': "Other"})
            with self.assertRaises(AccessError):
                Suspension.create([{
                            'case': case.id, 'request': "x",
                            'requested': dt.datetime.now(),
                            'previous_state': 'analysis'}])
            with self.assertRaises(AccessError):
                Suspension.delete([suspension])
            # Through the button
            Case.resume_suspension([Case(case.id)])
        self.assertEqual(Case(case.id).state, 'analysis')
