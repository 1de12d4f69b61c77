# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the suggestion boxes: their collection rounds, the forms
registered as cases with their scans, the count checked on closing and the
daily reminder of the boxes without a round."""
import datetime as dt
import json
import sqlite3
from contextlib import contextmanager

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access

key_db_cache()

from trytond.modules.customer_care.models.exceptions import (  # noqa: E402
    ReadonlyFieldError, SuggestionBoxRoundError,
    SuggestionBoxRoundValidationError)
from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402

# A Tuesday, a business day in Colombia
TUESDAY = dt.date(2026, 3, 3)
SUNDAY = dt.date(2026, 3, 8)
# Monday 23 March 2026: San José, moved to Monday
HOLIDAY = dt.date(2026, 3, 23)
SCAN = b'%PDF-1.4 scanned form'


@contextmanager
def count_statements(testcase):
    "Yield a list that receives the SQL statements executed (SQLite only)"
    connection = Transaction().connection
    if not isinstance(connection, sqlite3.Connection):
        testcase.skipTest("Counting statements needs SQLite")
    statements = []
    connection.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        connection.set_trace_callback(None)


class SuggestionBoxTestCase(tools.ModuleDatabaseTestCase):
    "Test the suggestion boxes and their collection rounds"

    def _setup(self):
        "Return the company, a customer, a person in charge and an employee"
        pool = Pool()
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        User = pool.get('res.user')
        company, customer = tools.create_company_customer(
            timezone='America/Bogota')
        responsible = User(
            login='box_responsible', name="Box Responsible",
            email='box@example.com')
        responsible.save()
        party = Party(name="Messenger")
        party.save()
        employee = Employee(party=party, company=company)
        employee.save()
        return company, customer, responsible, employee

    def _box(self, company, responsible, name="Box", site_name="Sede"):
        pool = Pool()
        Address = pool.get('party.address')
        Box = pool.get('customer_care.suggestion_box')
        site = Address(party=company.party, street_unstructured=site_name)
        site.save()
        box = Box(name=name, company=company, site=site,
            responsible=responsible)
        box.save()
        return box

    def _round(self, box, employee, found, date=TUESDAY):
        pool = Pool()
        Round = pool.get('customer_care.suggestion_box.round')
        round_ = Round(
            company=box.company, box=box, date=date, opened_by=employee,
            forms_found=found)
        round_.save()
        return round_

    def _register(self, round_, customer, subject, next_=False):
        "Register a form of round_ through the wizard"
        pool = Pool()
        RegisterForm = pool.get(
            'customer_care.suggestion_box.round.register_form',
            type='wizard')
        with Transaction().set_context(
                active_model=round_.__name__, active_id=round_.id,
                active_ids=[round_.id]):
            session_id, _, _ = RegisterForm.create()
            wizard = RegisterForm(session_id)
            defaults = wizard.default_start(None)
            wizard.start.round = defaults['round']
            wizard.start.customer = customer
            wizard.start.kind = 'suggestion'
            wizard.start.subject = subject
            wizard.start.description = "Text of the form"
            wizard.start.scan = SCAN
            wizard.start.scan_name = f'{subject}.pdf'
            if next_:
                state = wizard.transition_register_next()
            else:
                state = wizard.transition_register_()
            RegisterForm.delete(session_id)
        return defaults, state

    @with_transaction()
    def test_site_of_company(self):
        "Test a box stands at an address of the company only"
        pool = Pool()
        Address = pool.get('party.address')
        Box = pool.get('customer_care.suggestion_box')
        company, customer, responsible, _ = self._setup()
        with set_company(company):
            elsewhere = Address(party=customer, street_unstructured="Home")
            elsewhere.save()
            box = Box(name="Box", company=company, site=elsewhere,
                responsible=responsible)
            with self.assertRaises(Exception) as cm:
                box.save()
            self.assertIn("Site", str(cm.exception))
            box = self._box(company, responsible, site_name="San Marcel")
            self.assertEqual(box.rec_name, f"Box ({box.site.rec_name})")
            self.assertEqual(Box.search([('rec_name', 'ilike', '%Marcel%')]),
                [box])

    @with_transaction()
    def test_register_form(self):
        "Test a form becomes a draft case of the round with its scan"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Case = pool.get('customer_care.case')
        Round = pool.get('customer_care.suggestion_box.round')
        company, customer, responsible, employee = self._setup()
        with set_company(company):
            box = self._box(company, responsible)
            round_ = self._round(box, employee, 2)
            defaults, state = self._register(
                round_, customer, "First", next_=True)
            self.assertEqual(state, 'start')
            self.assertEqual(
                (defaults['forms_found'], defaults['forms_registered']),
                (2, 0))
            defaults, state = self._register(round_, customer, "Second")
            self.assertEqual(state, 'end')
            self.assertEqual(defaults['forms_registered'], 1)

            round_ = Round(round_.id)
            self.assertEqual(round_.forms_registered, 2)
            cases = Case.search([('box_round', '=', round_.id)],
                order=[('subject', 'ASC')])
            self.assertEqual([c.subject for c in cases], ["First", "Second"])
            self.assertEqual(sorted(round_.cases), sorted(cases))
            for case in cases:
                self.assertEqual(
                    (case.state, case.channel, case.company, case.customer,
                        case.kind),
                    ('draft', 'box', company, customer, 'suggestion'))
                # Received on the day of the round, in the company's zone
                self.assertEqual(case.received, dt.datetime(2026, 3, 3, 17))
                attachment, = Attachment.search([
                        ('resource', '=', str(case)),
                        ])
                self.assertEqual(
                    (attachment.name, attachment.data),
                    (f'{case.subject}.pdf', SCAN))
            # A copy of a case is no form of the round
            copy, = Case.copy(cases[:1], default={
                    'received': cases[0].received})
            self.assertIsNone(copy.box_round)
            self.assertEqual(Round(round_.id).forms_registered, 2)

    @with_transaction()
    def test_forms_registered_one_statement(self):
        "Test the forms registered of several rounds take one statement"
        pool = Pool()
        Round = pool.get('customer_care.suggestion_box.round')
        company, customer, responsible, employee = self._setup()
        with set_company(company):
            box = self._box(company, responsible)
            rounds = [
                self._round(box, employee, 1, date=TUESDAY - dt.timedelta(i))
                for i in range(3)]
            self._register(rounds[1], customer, "Form")
            with count_statements(self) as statements:
                counts = Round.get_forms_registered(
                    rounds, 'forms_registered')
            self.assertEqual(counts, {
                    rounds[0].id: 0, rounds[1].id: 1, rounds[2].id: 0})
            self.assertEqual(len(statements), 1)

    @with_transaction()
    def test_close_refused_while_counts_differ(self):
        "Test a round closes only when its forms found are registered"
        pool = Pool()
        Round = pool.get('customer_care.suggestion_box.round')
        company, customer, responsible, employee = self._setup()
        with set_company(company):
            box = self._box(company, responsible)
            round_ = self._round(box, employee, 3)
            self._register(round_, customer, "Only one")
            with self.assertRaises(SuggestionBoxRoundError) as cm:
                Round.close([round_])
            message = cm.exception.message
            self.assertIn(round_.rec_name, message)
            self.assertIn("3 forms were found but 1 are registered", message)
            self.assertEqual(Round(round_.id).state, 'draft')

            # Fewer found than registered is refused too
            round_.forms_found = 0
            round_.save()
            with self.assertRaises(SuggestionBoxRoundError):
                Round.close([round_])
            self.assertEqual(Round(round_.id).state, 'draft')

            # Corrected, it closes
            round_.forms_found = 1
            round_.save()
            Round.close([round_])
            round_ = Round(round_.id)
            self.assertEqual(round_.state, 'closed')

            # Closed, no form is registered and the count stays
            with self.assertRaises(SuggestionBoxRoundError):
                self._register(round_, customer, "Late")
            with check_access(), self.assertRaises(ReadonlyFieldError):
                Round.write([round_], {'forms_found': 2})
            self.assertEqual(Round(round_.id).forms_found, 1)
            with self.assertRaises(SuggestionBoxRoundError):
                Round.delete([round_])

    @with_transaction()
    def test_close_error_in_spanish(self):
        "Test the refusal to close is written in the user's language"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Round = pool.get('customer_care.suggestion_box.round')
        company, customer, responsible, employee = self._setup()
        lang, = Lang.search([('code', '=', 'es')])
        Lang.load_translations([lang])
        with set_company(company):
            box = self._box(company, responsible)
            round_ = self._round(box, employee, 2)
            with Transaction().set_context(language='es'), \
                    self.assertRaises(SuggestionBoxRoundError) as cm:
                Round.close([round_])
            self.assertIn("se encontraron 2", cm.exception.message)

    @with_transaction()
    def test_forms_found_not_negative(self):
        "Test a negative number of forms found is refused"
        pool = Pool()
        Round = pool.get('customer_care.suggestion_box.round')
        company, _, responsible, employee = self._setup()
        with set_company(company):
            box = self._box(company, responsible)
            with self.assertRaises(SuggestionBoxRoundValidationError):
                self._round(box, employee, -1)
            round_ = self._round(box, employee, 1)
            with self.assertRaises(SuggestionBoxRoundValidationError) as cm:
                Round.write([round_], {'forms_found': -2})
            # The request's transaction is rolled back on the error
            self.assertIn(round_.rec_name, cm.exception.message)

    @with_transaction()
    def test_reminder_boxes_without_round(self):
        "Test the person in charge is reminded of the boxes without a round"
        pool = Pool()
        Box = pool.get('customer_care.suggestion_box')
        Email = pool.get('ir.email')
        Notification = pool.get('res.notification')
        company, _, responsible, employee = self._setup()
        other = create_company(name="Other", currency=company.currency)
        with set_company(company):
            collected = self._box(company, responsible, "Collected")
            self._round(collected, employee, 0)
            forgotten = self._box(company, responsible, "Forgotten")
            # A round of another day does not count
            self._round(
                forgotten, employee, 0, date=TUESDAY - dt.timedelta(1))
            inactive = self._box(company, responsible, "Inactive")
            inactive.active = False
            inactive.save()
        with set_company(other):
            self._box(other, responsible, "Other company's")

        with Transaction().set_context(company=None):
            self.assertEqual(Box.send_round_reminders(date=TUESDAY), [])
        with set_company(company):
            self.assertEqual(Box.send_round_reminders(date=SUNDAY), [])
            self.assertEqual(Box.send_round_reminders(date=HOLIDAY), [])
            self.assertEqual(Notification.search([]), [])

            self.assertEqual(
                Box.send_round_reminders(date=TUESDAY), [forgotten])
        notification, = Notification.search([])
        self.assertEqual(notification.user, responsible)
        self.assertEqual(notification.model, 'customer_care.suggestion_box')
        self.assertEqual(json.loads(notification.records), [forgotten.id])
        self.assertIn("Suggestion boxes without a collection round",
            notification.label)
        email, = Email.search([])
        self.assertIn('box@example.com', email.recipients)
        self.assertIn(forgotten.rec_name, email.body)
        self.assertNotIn("Collected", email.body)

    @with_transaction()
    def test_reminder_statements_constant(self):
        "Test the reminder takes as many statements for 1 box as for 6"
        pool = Pool()
        Box = pool.get('customer_care.suggestion_box')
        company, _, responsible, employee = self._setup()
        with set_company(company):
            self._box(company, responsible, "Box 0")
            # Warm the caches (calendar, languages, messages)
            Box.send_round_reminders(date=TUESDAY)
            with count_statements(self) as statements:
                self.assertEqual(
                    len(Box.send_round_reminders(date=TUESDAY)), 1)
            one = len(statements)
            self.assertGreater(one, 0)
            for i in range(1, 6):
                self._box(company, responsible, f"Box {i}")
            with count_statements(self) as statements:
                self.assertEqual(
                    len(Box.send_round_reminders(date=TUESDAY)), 6)
            self.assertEqual(len(statements), one)

    @with_transaction()
    def test_cron(self):
        "Test the scheduled action reminds for its companies"
        pool = Pool()
        Cron = pool.get('ir.cron')
        Date = pool.get('ir.date')
        Notification = pool.get('res.notification')
        company, _, responsible, employee = self._setup()
        with set_company(company):
            self._box(company, responsible)
            today = Date.today()
        cron, = Cron.search([
                ('method', '=',
                    'customer_care.suggestion_box|send_round_reminders'),
                ])
        cron.companies = [company]
        cron.save()
        Cron.run_once([cron])
        notifications = Notification.search([])
        with set_company(company):
            from trytond.modules.customer_care.models.calendar import (
                get_calendar)
            business = get_calendar(company).is_business_day(today)
        self.assertEqual(len(notifications), 1 if business else 0)
