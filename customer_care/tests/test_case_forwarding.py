# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Forwarding a case to the competent organisation (Ley 1755 de 2015,
art. 21): the forwarding due date, its reminders, the wizard and its
e-mails (read back from the tests' SMTP sink), the errors and the access."""
import datetime as dt

from trytond.modules.company.tests import set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool

key_db_cache()

from trytond.modules.customer_care.models.exceptions import (  # noqa: E402
    ForwardError)
from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.modules.customer_care.tests import (  # noqa: E402
    test_customer_email as mail)
from trytond.tests.test_tryton import with_transaction  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

# Friday 13 November 2026; Monday 16 November is a holiday in Colombia
# (Independence of Cartagena, moved to Monday)
FRIDAY = dt.datetime(2026, 11, 13, 10, 0)


class CaseForwardingTestCase(tools.ModuleDatabaseTestCase):
    "Test the forwarding of cases to the competent organisation"

    def create_case(self, company, customer, **values):
        "Create and register a case of customer received on FRIDAY"
        pool = Pool()
        Case = pool.get('customer_care.case')
        with set_company(company):
            case = Case(customer=customer, subject="Water supply cut",
                description="The water was cut.\n\nPlease restore it.",
                received=FRIDAY, **values)
            case.save()
            Case.register([case])
        return case

    def create_organisation(self, email='pqrs@aqueduct.example.com'):
        pool = Pool()
        Party = pool.get('party.party')
        values = {'name': "City Aqueduct"}
        if email:
            values['contact_mechanisms'] = [
                ('create', [{'type': 'email', 'value': email}])]
        organisation, = Party.create([values])
        return organisation

    @with_transaction()
    def test_forward_due_date_written(self):
        "A written petition is forwarded within 5 business days"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = tools.create_company_customer()
        case = self.create_case(company, customer, channel='email')
        with set_company(company):
            Case.not_competent([case])
        self.assertEqual(case.state, 'forwarding')
        # Counted from Tuesday 17 (Monday 16 is a holiday): 17, 18, 19,
        # 20 and Monday 23 November
        self.assertEqual(case.forward_due_date, dt.date(2026, 11, 23))
        self.assertTrue(case.first_response_date)
        # The answer term of the case no longer runs
        self.assertIsNone(case.due_status)
        self.assertIsNone(case.days_remaining)

    @with_transaction()
    def test_forward_due_date_verbal(self):
        "A petition marked verbal is forwarded the day it was received"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = tools.create_company_customer()
        for channel in ['phone', 'in_person']:
            case = self.create_case(
                company, customer, channel=channel, verbal=True)
            with set_company(company):
                Case.analyse([case])
                Case.not_competent([case])
            self.assertEqual(case.forward_due_date, dt.date(2026, 11, 13))
        # Received by phone but not marked verbal (e.g. a letter read out):
        # the written term
        case = self.create_case(
            company, customer, channel='phone', verbal=False)
        with set_company(company):
            Case.not_competent([case])
        self.assertEqual(case.forward_due_date, dt.date(2026, 11, 23))

    @with_transaction()
    def test_competent_after_all(self):
        "A case to forward goes back to analysis"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = tools.create_company_customer()
        case = self.create_case(company, customer)
        with set_company(company):
            Case.not_competent([case])
            Case.analyse([case])
        self.assertEqual(case.state, 'analysis')

    @with_transaction()
    def test_reminders(self):
        """The responsible is reminded of the cases to forward and the
        team's manager told of those overdue, in one query for all"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Configuration = pool.get('customer_care.configuration')
        Notification = pool.get('res.notification')
        Reminder = pool.get('customer_care.reminder')
        Team = pool.get('customer_care.team')
        User = pool.get('res.user')
        company, customer = tools.create_company_customer(reminder_days=2)
        responsible, manager = User.create([
                {'login': 'agent', 'name': "Agent"},
                {'login': 'manager', 'name': "Manager"},
                ])
        with set_company(company):
            team, = Team.create([{'name': "Front desk",
                        'manager': manager.id}])
            configuration = Configuration(1)
            configuration.default_team = team
            configuration.save()
        cases = [
            self.create_case(company, customer, channel='email',
                responsible=responsible.id)
            for _ in range(2)]
        with set_company(company):
            Case.not_competent(cases)
            due_date = dt.date(2026, 11, 23)
            # Two business days before: Thursday 19 November
            Reminder.send_reminders(date=dt.date(2026, 11, 18))
            self.assertFalse(Reminder.search(
                    [('kind', '=', 'forward_reminder')]))
            Reminder.send_reminders(date=dt.date(2026, 11, 19))
            reminders = Reminder.search([('kind', '=', 'forward_reminder')])
            self.assertEqual(
                {(r.record_id, r.user, r.due_date) for r in reminders},
                {(c.id, responsible, due_date) for c in cases})
            notification, = Notification.search([
                    ('user', '=', responsible.id),
                    ('label', 'like', 'Cases to forward soon%'),
                    ])
            self.assertEqual(notification.label, "Cases to forward soon: 2")
            self.assertIn(cases[0].number, notification.description)
            # The case is not reminded of its answer term
            self.assertFalse(Reminder.search([('kind', '=', 'reminder')]))

            # Sent once
            Reminder.send_reminders(date=dt.date(2026, 11, 20))
            self.assertEqual(len(Reminder.search(
                        [('kind', '=', 'forward_reminder')])), 2)

            # Overdue the day after the due date: escalated to the manager
            Reminder.send_reminders(date=due_date)
            self.assertFalse(Reminder.search(
                    [('kind', '=', 'forward_escalation')]))
            Case.apply_forward(
                [cases[1]], self.create_organisation(),
                'pqrs@aqueduct.example.com')
            Reminder.send_reminders(date=dt.date(2026, 11, 24))
            escalation, = Reminder.search(
                [('kind', '=', 'forward_escalation')])
            self.assertEqual(escalation.record_id, cases[0].id)
            self.assertEqual(escalation.user, manager)

    @with_transaction()
    def test_forward(self):
        """The organisation receives the letter and the petition, the
        petitioner the notice with a copy of the letter"""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Case = pool.get('customer_care.case')
        Email = pool.get('ir.email')
        Employee = pool.get('company.employee')
        Lang = pool.get('ir.lang')
        ModelData = pool.get('ir.model.data')
        Party = pool.get('party.party')
        User = pool.get('res.user')
        transaction = Transaction()
        company, customer = tools.create_company_customer(
            customer={'lang': Lang.get('en')})
        address = 'petitioner@customer.example.com'
        organisation = self.create_organisation()
        employee_party, = Party.create([{'name': "Laura Agent"}])
        employee, = Employee.create([{
                    'party': employee_party.id, 'company': company.id}])
        user, = User.create([{
                    'login': 'laura', 'name': "Laura Agent",
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'employees': [('add', [employee.id])],
                    'employee': employee.id,
                    'groups': [('add', [ModelData.get_id(
                                    'customer_care', 'group_customer_care')])],
                    }])
        case = self.create_case(
            company, customer, contact_email=address)
        Attachment.create([{
                    'resource': str(case), 'name': 'bill.pdf',
                    'data': b'%PDF-1.4 the bill'}])
        with set_company(company), transaction.set_user(user.id):
            Case.not_competent([case])
            session_id, _, _ = (
                pool.get('customer_care.case.forward', type='wizard')
                .create())
            Forward = pool.get('customer_care.case.forward', type='wizard')
            with transaction.set_context(
                    active_model='customer_care.case', active_id=case.id,
                    active_ids=[case.id]):
                forward = Forward(session_id)
                defaults = forward.default_start(None)
                self.assertEqual(
                    defaults['forward_due_date'], dt.date(2026, 11, 23))
                forward.start.none_competent = False
                forward.start.organisation = organisation
                forward.start.on_change_organisation()
                self.assertEqual(
                    forward.start.email, 'pqrs@aqueduct.example.com')
                forward.start.reason = None
                self.assertEqual(forward.transition_forward(), 'end')
            transaction.commit()

        case = Case(case.id)
        self.assertEqual(case.state, 'forwarded')
        self.assertEqual(case.forwarded_to, organisation)
        self.assertEqual(case.forwarded_email, 'pqrs@aqueduct.example.com')
        self.assertEqual(case.forwarded_by, employee)
        self.assertTrue(case.forwarded_date)
        self.assertEqual(case.closed_date, case.forwarded_date)
        self.assertFalse(case.none_competent)

        sent, = mail.delivered('pqrs@aqueduct.example.com')
        self.assertIn(case.number, sent['Subject'])
        self.assertIn("City Aqueduct", mail.text_of(sent))
        names = [p.get_filename() for p in sent.iter_attachments()]
        self.assertEqual(len(names), 2)
        self.assertTrue(names[0].endswith('.pdf'))
        self.assertEqual(names[1], 'bill.pdf')
        letter, bill = [p.get_content() for p in sent.iter_attachments()]
        self.assertEqual(bill, b'%PDF-1.4 the bill')
        text = ' '.join(mail.pdf_text(letter).split())
        self.assertIn("article 21 of Ley 1755 de 2015", text)
        self.assertIn("City Aqueduct", text)
        self.assertIn("Laura Agent", text)
        self.assertIn("The water was cut.", text)
        self.assertIn("bill.pdf", text)

        notice, = mail.delivered(address)
        self.assertEqual(
            notice['Subject'],
            f"Your request {case.number} was forwarded to City Aqueduct")
        self.assertIn("City Aqueduct", mail.text_of(notice))
        copy, = [p.get_content() for p in notice.iter_attachments()]
        self.assertEqual(copy, letter)
        # Both kept on the case
        self.assertEqual(len(Email.search([('resource', '=', str(case))])), 2)

    @with_transaction()
    def test_none_competent(self):
        "No organisation is competent: the petitioner is told why"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Lang = pool.get('ir.lang')
        transaction = Transaction()
        company, customer = tools.create_company_customer(
            customer={'lang': Lang.get('en')})
        address = 'nobody@customer.example.com'
        case = self.create_case(company, customer, contact_email=address)
        with set_company(company):
            Case.not_competent([case])
            Case.apply_forward(
                [case], reason="The request is about a private dispute.")
            transaction.commit()
        case = Case(case.id)
        self.assertEqual(case.state, 'forwarded')
        self.assertTrue(case.none_competent)
        self.assertIsNone(case.forwarded_to)
        notice, = mail.delivered(address)
        self.assertIn("no organisation is competent", notice['Subject'])
        self.assertIn("private dispute", mail.text_of(notice))
        letter, = [p.get_content() for p in notice.iter_attachments()]
        text = ' '.join(mail.pdf_text(letter).split())
        self.assertIn("no organisation is competent for it", text)
        self.assertIn("private dispute", text)

    @with_transaction()
    def test_errors(self):
        "A forward without organisation or reason saves and sends nothing"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Email = pool.get('ir.email')
        company, customer = tools.create_company_customer()
        case = self.create_case(
            company, customer, contact_email='error@customer.example.com')
        organisation = self.create_organisation(email=None)
        with set_company(company):
            with self.assertRaisesRegex(ForwardError, "forwarded only"):
                Case.apply_forward(
                    [case], organisation, 'pqrs@aqueduct.example.com')
            Case.not_competent([case])
            emails = Email.search([])
            with self.assertRaisesRegex(
                    ForwardError, "must name the competent organisation"):
                Case.apply_forward([case])
            with self.assertRaisesRegex(
                    ForwardError, "must give its e-mail address"):
                Case.apply_forward([case], organisation, None)
            with self.assertRaisesRegex(
                    ForwardError, "must give its e-mail address"):
                Case.apply_forward([case], organisation, 'not an address')
            with self.assertRaisesRegex(ForwardError, "must state the reason"):
                Case.apply_forward([case], reason="  ")
        case = Case(case.id)
        self.assertEqual(case.state, 'forwarding')
        self.assertIsNone(case.forwarded_to)
        self.assertIsNone(case.forwarded_date)
        self.assertEqual(Email.search([]), emails)

    @with_transaction()
    def test_access(self):
        "Only customer care finds cases not competent and forwards them"
        pool = Pool()
        Button = pool.get('ir.model.button')
        ActionWizard = pool.get('ir.action.wizard')
        ModelData = pool.get('ir.model.data')
        group = ModelData.get_id('customer_care', 'group_customer_care')
        for name in ['not_competent', 'forward']:
            button, = Button.search([
                    ('model.name', '=', 'customer_care.case'),
                    ('name', '=', name),
                    ])
            self.assertEqual([g.id for g in button.groups], [group])
        wizard = ActionWizard(ModelData.get_id(
                'customer_care', 'wizard_case_forward'))
        self.assertEqual([g.id for g in wizard.groups], [group])

    @with_transaction()
    def test_party_replace(self):
        "Replacing the organisation moves the forwarded cases"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        Replace = pool.get('party.replace', type='wizard')
        company, customer = tools.create_company_customer()
        organisation = self.create_organisation()
        other, = Party.create([{'name': "City Aqueduct"}])
        case = self.create_case(company, customer)
        with set_company(company):
            Case.not_competent([case])
            Case.apply_forward(
                [case], organisation, 'pqrs@aqueduct.example.com')
            session_id, _, _ = Replace.create()
            replace = Replace(session_id)
            replace.ask.source = organisation
            replace.ask.destination = other
            replace.transition_replace()
        Transaction().cache.clear()
        self.assertEqual(Case(case.id).forwarded_to, other)
