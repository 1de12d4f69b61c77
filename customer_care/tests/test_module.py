# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import unittest
from pathlib import Path

import polib
from lxml import etree
from sql import Column

from trytond.exceptions import UserError
from trytond.modules.company.tests import (
    CompanyTestMixin, PartyCompanyCheckEraseMixin, create_company,
    set_company)
from trytond.modules.customer_care.models.calendar import BusinessCalendar
from trytond.modules.customer_care.models.sampling import draw
from trytond.modules.customer_care.models.satisfaction_check import (
    contact_days)
from trytond.modules.customer_care.models.satisfaction_sample import (
    month_bounds)
from trytond.modules.customer_care.tests import tools
from trytond.modules.party.tests import PartyCheckReplaceMixin
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.tests import test_tryton
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

# Colombia's national holidays of 2026 as published (Ley 51 de 1983 moves
# most of them to Monday; Ley 2578 de 2026 added Our Lady of Chiquinquirá)
COLOMBIA_2026 = [
    dt.date(2026, 1, 1), dt.date(2026, 1, 12), dt.date(2026, 3, 23),
    dt.date(2026, 4, 2), dt.date(2026, 4, 3), dt.date(2026, 5, 1),
    dt.date(2026, 5, 18), dt.date(2026, 6, 8), dt.date(2026, 6, 15),
    dt.date(2026, 6, 29), dt.date(2026, 7, 13), dt.date(2026, 7, 20),
    dt.date(2026, 8, 7), dt.date(2026, 8, 17), dt.date(2026, 10, 12),
    dt.date(2026, 11, 2), dt.date(2026, 11, 16), dt.date(2026, 12, 8),
    dt.date(2026, 12, 25),
    ]


class BusinessCalendarTestCase(unittest.TestCase):
    "Test the business-day calendar"

    def setUp(self):
        self.calendar = BusinessCalendar(country='CO')

    def test_colombian_holidays(self):
        "Test the holidays of Colombia in 2026 match the official list"
        year = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(365)]
        self.assertEqual(
            [d for d in year if self.calendar.is_holiday(d)], COLOMBIA_2026)

    def test_add_days_skips_weekends_and_holidays(self):
        "Test 15 business days from a Friday skip weekends and 8 December"
        # Counting starts on Monday 23 November; Tuesday 8 December is a
        # holiday, so the 15th business day is Monday 14 December
        self.assertEqual(
            self.calendar.add_days(dt.date(2026, 11, 20), 15),
            dt.date(2026, 12, 14))

    def test_add_days_received_on_holiday(self):
        "Test a term received on a holiday counts from the next day"
        # Monday 16 November 2026 is a holiday
        self.assertEqual(
            self.calendar.add_days(dt.date(2026, 11, 16), 10),
            dt.date(2026, 11, 30))

    def test_add_days_received_on_saturday(self):
        "Test a term received on Saturday starts on Monday"
        self.assertEqual(
            self.calendar.add_days(dt.date(2026, 11, 21), 1),
            dt.date(2026, 11, 23))

    def test_add_days_holy_week(self):
        "Test a term across Holy Week skips Maundy Thursday and Good Friday"
        self.assertEqual(
            self.calendar.add_days(dt.date(2026, 3, 31), 3),
            dt.date(2026, 4, 7))

    def test_working_saturdays(self):
        "Test Saturdays count when the organisation works them"
        calendar = BusinessCalendar(country='CO', non_working_days=[6])
        self.assertEqual(
            calendar.add_days(dt.date(2026, 11, 20), 1),
            dt.date(2026, 11, 21))
        self.assertEqual(
            calendar.add_days(dt.date(2026, 11, 20), 2),
            dt.date(2026, 11, 23))

    def test_company_holidays(self):
        "Test the company's own holidays are not business days"
        calendar = BusinessCalendar(
            country='CO', extra_holidays=[dt.date(2026, 11, 23)])
        self.assertEqual(
            calendar.add_days(dt.date(2026, 11, 20), 1),
            dt.date(2026, 11, 24))

    def test_without_country(self):
        "Test a calendar without country skips only the weekends"
        calendar = BusinessCalendar()
        self.assertEqual(
            calendar.add_days(dt.date(2026, 11, 13), 1),
            dt.date(2026, 11, 16))

    def test_count_days(self):
        "Test counting business days forwards and backwards"
        self.assertEqual(
            self.calendar.count_days(
                dt.date(2026, 11, 20), dt.date(2026, 12, 14)), 15)
        self.assertEqual(
            self.calendar.count_days(
                dt.date(2026, 12, 14), dt.date(2026, 11, 20)), -15)
        self.assertEqual(
            self.calendar.count_days(
                dt.date(2026, 11, 20), dt.date(2026, 11, 20)), 0)

    def test_count_days_overdue_on_weekend(self):
        "Test a case due on Friday is overdue on Saturday"
        self.assertEqual(
            self.calendar.count_days(
                dt.date(2026, 11, 20), dt.date(2026, 11, 21)), 0)
        self.assertEqual(
            self.calendar.count_days(
                dt.date(2026, 11, 21), dt.date(2026, 11, 20)), -1)

    def test_unknown_subdivision(self):
        "Test an unknown subdivision keeps the country's holidays"
        calendar = BusinessCalendar(country='CO', subdivision='XX')
        self.assertTrue(calendar.is_holiday(dt.date(2026, 12, 8)))

    def test_add_and_count_agree(self):
        "Test count_days undoes add_days over a whole year"
        start = dt.date(2026, 1, 1)
        for offset in range(0, 365, 7):
            date = start + dt.timedelta(days=offset)
            for days in (1, 10, 15, 30):
                due = self.calendar.add_days(date, days)
                self.assertTrue(self.calendar.is_business_day(due))
                self.assertEqual(self.calendar.count_days(date, due), days)

    def test_deadline_in_days(self):
        "Test a term in days ends at the end of the due date"
        due_date, deadline = self.calendar.deadline(
            dt.datetime(2026, 11, 20, 16, 30), 15, 'day')
        self.assertEqual(due_date, dt.date(2026, 12, 14))
        self.assertEqual(deadline, dt.datetime(2026, 12, 14, 23, 59, 59))

    def test_deadline_in_hours(self):
        "Test an emergency term in hours runs over weekends and holidays"
        due_date, deadline = self.calendar.deadline(
            dt.datetime(2026, 11, 20, 22, 0), 24, 'hour')
        self.assertEqual(deadline, dt.datetime(2026, 11, 21, 22, 0))
        self.assertEqual(due_date, dt.date(2026, 11, 21))

    def test_no_working_day(self):
        "Test a calendar needs a working weekday"
        with self.assertRaises(ValueError):
            BusinessCalendar(non_working_days=range(7))


class SatisfactionToolsTestCase(unittest.TestCase):
    "Test the day counting and the random draw of satisfaction checks"

    def setUp(self):
        self.calendar = BusinessCalendar(country='CO')

    def test_contact_days_same_day(self):
        "Test two calls on the same day count as one day"
        days = contact_days([
                dt.datetime(2026, 11, 17, 9, 0),
                dt.datetime(2026, 11, 17, 16, 30),
                dt.datetime(2026, 11, 18, 10, 0),
                ], self.calendar)
        self.assertEqual(
            days, [dt.date(2026, 11, 17), dt.date(2026, 11, 18)])

    def test_contact_days_holiday_and_weekend(self):
        "Test calls on a holiday or a weekend do not count"
        # Monday 16 November 2026 is a holiday, 21 November a Saturday
        days = contact_days([
                dt.datetime(2026, 11, 16, 9, 0),
                dt.datetime(2026, 11, 21, 9, 0),
                dt.datetime(2026, 11, 20, 9, 0),
                ], self.calendar)
        self.assertEqual(days, [dt.date(2026, 11, 20)])

    def test_draw_reproducible(self):
        "Test the same seed draws the same cases whatever the order"
        population = list(range(1, 501))
        first = draw(population, 100, 1234)
        self.assertEqual(first, draw(reversed(population), 100, 1234))
        self.assertEqual(len(first), 100)
        self.assertEqual(len(set(first)), 100)
        self.assertLessEqual(set(first), set(population))
        self.assertNotEqual(first, draw(population, 100, 4321))

    def test_draw_small_population(self):
        "Test a sample larger than the population takes it all"
        self.assertEqual(draw([3, 1, 2], 100, 7), [1, 2, 3])
        self.assertEqual(draw([3, 1, 2], 0, 7), [])
        self.assertEqual(draw([], 10, 7), [])

    def test_month_bounds(self):
        "Test the bounds of a month, December included"
        self.assertEqual(
            month_bounds(dt.date(2026, 12, 15)),
            (dt.date(2026, 12, 1), dt.date(2027, 1, 1)))
        self.assertEqual(
            month_bounds(dt.date(2026, 2, 28)),
            (dt.date(2026, 2, 1), dt.date(2026, 3, 1)))


class CustomerCareTestCase(
        PartyCompanyCheckEraseMixin, PartyCheckReplaceMixin, CompanyTestMixin,
        test_tryton.ModuleTestCase):
    "Test Customer Care module"
    module = 'customer_care'
    # A routing or satisfaction rule without company applies to every
    # company
    _skip_company_rule = {
        ('customer_care.routing.rule', 'company'),
        ('customer_care.satisfaction.rule', 'company'),
        # A level without company applies to every company
        ('customer_care.escalation.level', 'company'),
        # An inbox without company serves other actions than the cases'
        ('inbound.email.inbox', 'company'),
        # extended for its dashboard, as the company module skips it
        ('res.user', 'company'),
        }

    def _setup(self):
        "Create a Colombian company and a customer; return them"
        return tools.create_company_customer()

    def _case(self, customer, received, **values):
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case(
            customer=customer, subject="Subject", received=received,
            **values)
        case.save()
        return case

    @with_transaction()
    def test_tree_datetime_widget(self):
        """Test the lists show their date and time fields with the date or
        time widget: the web client (sao 8.0) has no list column for them
        and shows nothing at all in the list"""
        pool = Pool()
        View = pool.get('ir.ui.view')
        for view in View.search([
                    ('module', '=', self.module),
                    ('type', '=', 'tree'),
                    ]):
            Model = pool.get(view.model)
            result = Model.fields_view_get(view_id=view.id)
            arch = etree.fromstring(result['arch'])
            for field in arch.iter('field'):
                name = field.get('name')
                type_ = result['fields'].get(name, {}).get('type')
                if type_ in {'datetime', 'timestamp'}:
                    with self.subTest(view=view.name, field=name):
                        self.assertIn(field.get('widget'), {'date', 'time'})

    @with_transaction()
    def test_case_terms(self):
        "Test the legal term of each kind of case"
        company, customer = self._setup()
        received = dt.datetime(2026, 11, 20, 15, 0)
        with set_company(company):
            for values, due_date in [
                    ({'kind': 'petition', 'petition_kind': 'general'},
                        dt.date(2026, 12, 14)),
                    ({'kind': 'petition', 'petition_kind': 'information'},
                        dt.date(2026, 12, 4)),
                    ({'kind': 'petition', 'petition_kind': 'consultation'},
                        dt.date(2027, 1, 6)),
                    ({'kind': 'complaint'}, dt.date(2026, 12, 14)),
                    ({'kind': 'compliment'}, dt.date(2026, 11, 27)),
                    ]:
                with self.subTest(**values):
                    case = self._case(customer, received, **values)
                    self.assertEqual(case.due_date, due_date)
                    self.assertEqual(case.initial_due_date, due_date)
                    self.assertEqual(case.term_unit, 'day')

    @with_transaction()
    def test_configuration_holiday_calendar(self):
        "Test the configuration refuses an unknown holiday calendar"
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        self._setup()
        configuration = Configuration(1)
        configuration.holiday_subdivision = 'XX'
        with self.assertRaises(UserError):
            configuration.save()

    @with_transaction()
    def test_configuration_non_working_days(self):
        "Test the configuration keeps a working weekday"
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        configuration = Configuration(1)
        configuration.non_working_days = [str(d) for d in range(7)]
        with self.assertRaises(UserError):
            configuration.save()

    def test_term_unique(self):
        "Test a second term for the same kind is refused"
        # Each attempt in its own transaction: on PostgreSQL a refused insert
        # aborts the transaction
        @with_transaction()
        def create(values):
            pool = Pool()
            Term = pool.get('customer_care.term')
            Term.create([values])

        for values in [
                {'kind': 'complaint', 'duration': 5, 'unit': 'day'},
                {'kind': 'petition', 'petition_kind': 'general',
                    'duration': 5, 'unit': 'day'},
                {'emergency': True, 'duration': 5, 'unit': 'hour'},
                ]:
            with self.subTest(**values):
                with self.assertRaises(UserError):
                    create(values)

    @with_transaction()
    def test_case_emergency_term(self):
        "Test an emergency case is due in hours"
        company, customer = self._setup()
        received = dt.datetime(2026, 11, 20, 22, 0)
        with set_company(company):
            case = self._case(
                customer, received, kind='claim', priority='emergency',
                emergency='safety')
            self.assertEqual((case.term_duration, case.term_unit), (24, 'hour'))
            self.assertEqual(case.deadline, dt.datetime(2026, 11, 21, 22, 0))

            case.priority = 'normal'
            case.emergency = None
            case.save()
            self.assertEqual((case.term_duration, case.term_unit), (15, 'day'))
            self.assertEqual(case.due_date, dt.date(2026, 12, 14))

    @with_transaction()
    def test_case_term_in_company_timezone(self):
        "Test the day of receipt is the company's local day"
        company, customer = self._setup()
        company.timezone = 'America/Bogota'
        company.save()
        # 02:00 UTC on Saturday is still Friday evening in Bogotá
        received = dt.datetime(2026, 11, 21, 2, 0)
        with set_company(company):
            case = self._case(customer, received, kind='complaint')
            self.assertEqual(case.due_date, dt.date(2026, 12, 14))
            # The deadline is the end of the due date in Bogotá, in UTC
            self.assertEqual(case.deadline, dt.datetime(2026, 12, 15, 4, 59, 59))

    @with_transaction()
    def test_case_hour_term_at_night(self):
        "Test a term in hours received in the evening keeps its local day"
        pool = Pool()
        Term = pool.get('customer_care.term')
        company, customer = self._setup()
        company.timezone = 'America/Bogota'
        company.save()
        term, = Term.search([('emergency', '=', True)])
        term.duration = 2
        term.save()
        # 01:00 UTC on Saturday 21 is 20:00 on Friday 20 in Bogotá
        received = dt.datetime(2026, 11, 21, 1, 0)
        with set_company(company):
            case = self._case(
                customer, received, kind='claim', priority='emergency',
                emergency='health')
            self.assertEqual(case.due_date, dt.date(2026, 11, 20))
            self.assertEqual(case.deadline, dt.datetime(2026, 11, 21, 3, 0))

    @with_transaction()
    def test_case_extension(self):
        "Test one extension up to the original term before expiry"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = self._setup()
        received = dt.datetime.now() - dt.timedelta(days=1)
        with set_company(company):
            case = self._case(customer, received, kind='complaint')
            Case.register([case])
            initial = case.due_date

            for duration, reason in [(16, "Too long"), (0, "Zero"),
                    (5, " ")]:
                with self.subTest(duration=duration, reason=reason):
                    with self.assertRaises(UserError):
                        Case.apply_extension([case], duration, reason)
            Case.apply_extension([case], 15, "The service needs a site visit")
            self.assertEqual(case.extension_duration, 15)
            self.assertEqual(case.initial_due_date, initial)
            self.assertEqual(
                case.due_date,
                Case(case.id).due_date)
            self.assertGreater(case.due_date, initial)

            with self.assertRaises(UserError):
                Case.apply_extension([case], 1, "Once more")

    @with_transaction()
    def test_case_extension_after_expiry(self):
        "Test an expired term cannot be extended"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = self._setup()
        received = dt.datetime.now() - dt.timedelta(days=60)
        with set_company(company):
            case = self._case(customer, received, kind='complaint')
            Case.register([case])
            with self.assertRaises(UserError):
                Case.apply_extension([case], 5, "Late")
            self.assertFalse(case.extension_duration)

    @with_transaction()
    def test_case_copy(self):
        "Test a duplicated case is a new draft received now, with its terms"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = self._setup()
        received = dt.datetime.now() - dt.timedelta(days=60)
        with set_company(company):
            registered = self._case(customer, received, kind='complaint')
            Case.register([registered])
            answered = self._case(customer, received, kind='complaint')
            Case.register([answered])
            Case.analyse([answered])
            answered.answer = "Answer"
            answered.save()
            Case.respond([answered])
            self.assertEqual(answered.state, 'answered')

            before = dt.datetime.now().replace(microsecond=0)
            copies = Case.copy([registered, answered])
            for case, copy in zip([registered, answered], copies):
                with self.subTest(state=case.state):
                    self.assertEqual(copy.state, 'draft')
                    self.assertNotEqual(copy.number, case.number)
                    self.assertGreaterEqual(copy.received, before)
                    self.assertGreaterEqual(
                        copy.due_date, before.date())
                    self.assertEqual(copy.initial_due_date, copy.due_date)
                    self.assertIsNone(copy.answer)
                    self.assertEqual(copy.subject, case.subject)
                    self.assertEqual(copy.customer, case.customer)

    @with_transaction()
    def test_case_history(self):
        "Test every change of a case is kept in its history"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = self._setup()
        with set_company(company):
            case = self._case(customer, dt.datetime.now(), kind='complaint')
            case.subject = "Changed subject"
            case.save()
            history = Case.__table_history__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*history.select(
                    history.subject, where=history.id == case.id,
                    order_by=[Column(history, '__id').asc]))
            subjects = [s for s, in cursor]
            # The history also keeps the computed due dates written at
            # creation
            self.assertEqual(subjects[0], "Subject")
            self.assertEqual(subjects[-1], "Changed subject")
            self.assertEqual(Case(case.id).subject, "Changed subject")

    @with_transaction()
    def test_case_days_remaining(self):
        "Test the business days remaining and the due status"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = self._setup()
        with set_company(company):
            overdue = self._case(
                customer, dt.datetime.now() - dt.timedelta(days=60),
                kind='complaint')
            fresh = self._case(customer, dt.datetime.now(), kind='complaint')
            Case.register([overdue, fresh])
            self.assertLess(overdue.days_remaining, 0)
            self.assertEqual(overdue.due_status, 'overdue')
            self.assertEqual(fresh.days_remaining, 15)
            self.assertEqual(fresh.due_status, 'on_track')

            # A saved draft shows its days left, without due status
            draft = self._case(customer, dt.datetime.now(), kind='claim')
            self.assertEqual(draft.days_remaining, 15)
            self.assertIsNone(draft.due_status)
            # Not once answered, closed or cancelled
            Case.cancel([draft])
            self.assertIsNone(Case(draft.id).days_remaining)

    @with_transaction()
    def test_segment_customers_and_figures(self):
        "Test the customers of a segment and its figures"
        pool = Pool()
        Address = pool.get('party.address')
        Case = pool.get('customer_care.case')
        Category = pool.get('party.category')
        Configuration = pool.get('customer_care.configuration')
        Party = pool.get('party.party')
        Segment = pool.get('customer_care.segment')
        company, _ = self._setup()
        # The country made by the set-up, not any other of code CO
        colombia = Configuration(1).holiday_country
        vip = Category(name="VIP")
        vip.save()

        def party(name, categories=(), city=None):
            party = Party(name=name, categories=list(categories))
            party.addresses = [Address(city=city, country=colombia)]
            party.save()
            return party
        a = party("A", [vip], "Barranquilla")
        b = party("B", [vip], "Bogotá")
        c = party("C", [], " barranquilla ")
        d = party("D")
        d.addresses = []
        d.save()

        with set_company(company):
            caribbean = Segment(
                name="Caribbean VIP", categories=[vip],
                cities="Barranquilla, Santa Marta", parties=[d])
            caribbean.save()
            colombian = Segment(name="Colombia", countries=[colombia])
            colombian.save()
            received = dt.datetime(2026, 11, 20, 15, 0)
            for customer, kind, on_time in [
                    (a, 'complaint', True), (a, 'claim', False),
                    (d, 'petition', None), (c, 'suggestion', None)]:
                case = self._case(customer, received, kind=kind)
                if on_time is not None:
                    Case.write([case], {
                            'answer_date': received, 'on_time': on_time})

            self.assertEqual(
                {p.id for p in caribbean.customers}, {a.id, d.id})
            self.assertEqual(
                {p.id for p in colombian.customers}, {a.id, b.id, c.id})
            caribbean, colombian = Segment.browse([caribbean, colombian])
            self.assertEqual(caribbean.customer_count, 2)
            self.assertEqual(
                [caribbean.petition_count, caribbean.complaint_count,
                    caribbean.claim_count, caribbean.suggestion_count,
                    caribbean.compliment_count],
                [1, 1, 1, 0, 0])
            self.assertEqual(caribbean.on_time_rate, 0.5)
            self.assertIsNone(caribbean.satisfaction_rate)
            self.assertEqual(colombian.customer_count, 3)
            self.assertEqual(colombian.suggestion_count, 1)
            self.assertIsNone(
                Segment(Segment.create([{'name': "Empty"}])[0].id)
                .on_time_rate)

    def _action(self, customer, **values):
        pool = Pool()
        ImprovementAction = pool.get('customer_care.improvement_action')
        Line = pool.get('customer_care.improvement_action.line')
        values.setdefault('title', "ImprovementAction")
        action = ImprovementAction(
            customers=[customer], lines=[Line(activity="Activity")],
            **values)
        action.save()
        return action

    @with_transaction()
    def test_action_workflow_errors(self):
        "Test the clear errors of the improvement action workflow"
        pool = Pool()
        ImprovementAction = pool.get('customer_care.improvement_action')
        Line = pool.get('customer_care.improvement_action.line')
        company, customer = self._setup()
        with set_company(company):
            action = self._action(customer, due_date=dt.date(2026, 12, 31))
            with self.assertRaisesRegex(UserError, "not waiting"):
                ImprovementAction.approve([action])
            ImprovementAction.wait([action])
            with self.assertRaisesRegex(UserError, "approval questions"):
                ImprovementAction.approve([action])
            for question in ['meets_objective', 'drives_goal',
                    'channels_fit']:
                setattr(action, question, 'yes')
            action.keeps_brand = 'no'
            action.save()
            with self.assertRaisesRegex(UserError, "justification"):
                ImprovementAction.approve([action])
            action.approval_justification = " "
            action.save()
            with self.assertRaisesRegex(UserError, "justification"):
                ImprovementAction.approve([action])
            action.approval_justification = "Brand team agreed."
            action.save()
            ImprovementAction.approve([action])
            self.assertEqual(action.state, 'approved')

            with self.assertRaisesRegex(UserError, "not in progress"):
                ImprovementAction.do([action])
            with self.assertRaisesRegex(UserError, "only once it is done"):
                ImprovementAction.check([action])
            ImprovementAction.process([action])
            with self.assertRaisesRegex(UserError, "Activity"):
                ImprovementAction.do([action])
            Line.do(action.lines)
            ImprovementAction.do([action])
            with self.assertRaisesRegex(UserError, "whether it was"):
                ImprovementAction.check([action])
            with self.assertRaises(UserError):
                Line.create([{'action': action.id, 'activity': "Late"}])
            action.effectiveness = 'effective'
            action.save()
            ImprovementAction.check([action])
            self.assertEqual(action.state, 'checked')
            self.assertFalse(action.follow_ups)

    @with_transaction()
    def test_action_line_before_approval(self):
        "Test a plan line cannot be done before the action is approved"
        pool = Pool()
        Line = pool.get('customer_care.improvement_action.line')
        company, customer = self._setup()
        with set_company(company):
            action = self._action(customer)
            with self.assertRaisesRegex(UserError, "approved"):
                Line.do(action.lines)

    @with_transaction()
    def test_action_create_from_origin(self):
        "Test an action created from any origin takes what the origin has"
        pool = Pool()
        ImprovementAction = pool.get('customer_care.improvement_action')
        company, customer = self._setup()
        with set_company(company):
            case = self._case(
                customer, dt.datetime(2026, 11, 20, 15, 0),
                kind='claim', description="Broken meter")
            previous = self._action(customer, title="Previous")
            from_case, from_action = ImprovementAction.create_from_origin(
                [case, previous], kind='preventive')
            self.assertEqual(from_case.origin, case)
            self.assertEqual(from_case.customers, (customer,))
            self.assertEqual(from_case.description, "Broken meter")
            self.assertEqual(from_case.kind, 'preventive')
            self.assertEqual(from_case.company, company)
            self.assertEqual(from_action.origin, previous)
            self.assertFalse(from_action.customers)
            self.assertIn(
                'customer_care.case', dict(ImprovementAction.get_origin()))


    @with_transaction()
    def test_satisfaction_default_policy(self):
        "Test the default policy checks complaints and claims only"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Check = pool.get('customer_care.satisfaction.check')
        company, customer = self._setup()
        with set_company(company):
            cases = {}
            for kind, channel in [
                    ('complaint', 'phone'), ('claim', 'email'),
                    ('petition', 'email'), ('compliment', 'web'),
                    ('claim', 'regulator')]:
                case = self._case(
                    customer, dt.datetime.now(), kind=kind, channel=channel)
                cases[kind, channel] = case
            Case.register(list(cases.values()))
            Case.analyse(list(cases.values()))
            Case.write(list(cases.values()), {'answer': "Answer"})
            Case.respond(list(cases.values()))
            checked = {(c.case.kind, c.case.channel) for c in Check.search([])}
            self.assertEqual(
                checked, {('complaint', 'phone'), ('claim', 'email')})
            self.assertEqual(
                cases['claim', 'regulator'].satisfaction_rule.method, 'none')

    @with_transaction()
    def test_satisfaction_rule_negative_sample(self):
        "Test a sample size below zero is refused"
        pool = Pool()
        Rule = pool.get('customer_care.satisfaction.rule')
        rule = Rule(name="Sample", method='sample', sample_size=-1)
        with self.assertRaises(UserError):
            rule.save()

    @with_transaction()
    def test_model_labels(self):
        "Test every model of the module has its own label, also in Spanish"
        # Without __string__ Tryton labels a model with its humanized name
        # ("Customer Care Survey Campaign - Excluded - Party Category"), and
        # a docstring is no label
        pool = Pool()
        po = polib.pofile(
            str(Path(__file__).parent.parent / 'locale' / 'es.po'))
        spanish = {e.msgctxt: e for e in po}
        models = [(n, M) for n, M in pool.iterobject()
            if n.startswith('customer_care.')]
        self.assertTrue(models)
        for name, Model in models:
            with self.subTest(model=name):
                own = [c for c in Model.__mro__
                    if c.__module__.startswith('trytond.modules.customer_care')
                    and vars(c).get('__name__') == name]
                self.assertTrue(
                    any('__string__' in vars(c) for c in own),
                    "no __string__")
                label = Model.__string__
                self.assertNotIn('.', label)
                self.assertNotIn('_', label)
                # The module's name only in its configuration's labels
                if not label.startswith("Customer Care Configuration"):
                    self.assertNotIn("Customer Care", label)
                entry = spanish.get(f'model:{name},string:')
                self.assertTrue(entry, "not in es.po")
                self.assertEqual(entry.msgid, label)
                self.assertTrue(entry.msgstr)
                self.assertFalse(entry.fuzzy)

    @with_transaction()
    def test_related_field_searchers(self):
        "Test the company of a record is searched through its parent"
        pool = Pool()
        Request = pool.get('customer_care.case.information_request')
        Line = pool.get('customer_care.improvement_action.line')
        Questionnaire = pool.get('customer_care.questionnaire')
        Campaign = pool.get('customer_care.survey.campaign')
        Meeting = pool.get('customer_care.survey.meeting')
        Idea = pool.get('customer_care.survey.meeting.idea')
        company, customer = self._setup()
        other = create_company(name="Other")
        with set_company(company):
            case = self._case(customer, dt.datetime(2026, 11, 20, 15, 0))
            request, = Request.create([{
                        'case': case.id,
                        'user': Transaction().user,
                        'kind': 'information',
                        'question': "Question",
                        'due_date': dt.date(2026, 11, 30),
                        }])
            line, = self._action(customer).lines
            questionnaire, = Questionnaire.create([{'name': "Survey"}])
            campaign, = Campaign.create([{
                        'name': "Campaign",
                        'questionnaire': questionnaire.id,
                        'start_date': dt.date(2026, 11, 1),
                        'end_date': dt.date(2026, 11, 30),
                        }])
            meeting, = Meeting.create([{
                        'campaign': campaign.id,
                        'date': dt.date(2026, 12, 1),
                        'ideas': [('create', [{'subject': "Idea"}])],
                        }])
            idea, = meeting.ideas
            for Model, record in [
                    (Request, request), (Line, line), (Meeting, meeting),
                    (Idea, idea)]:
                with self.subTest(model=Model.__name__):
                    for clause, found in [
                            (('company', '=', company.id), [record]),
                            (('company', '=', other.id), []),
                            (('company', 'in', [company.id]), [record]),
                            (('company', '!=', company.id), []),
                            # A nested clause keeps its path
                            (('company.currency.code', '=',
                                    company.currency.code), [record]),
                            (('company.currency.code', '=', 'xxx'), []),
                            (('company', 'where',
                                    [('party.name', '=', "Other")]), []),
                            ]:
                        self.assertEqual(
                            Model.search([clause]), found, msg=clause)


    @with_transaction()
    def test_survey_campaign_domain_migration(self):
        "Test the campaign domains written as a Python list become PYSON"
        pool = Pool()
        Questionnaire = pool.get('customer_care.questionnaire')
        Campaign = pool.get('customer_care.survey.campaign')
        table = Campaign.__table__()
        cursor = Transaction().connection.cursor()
        company, customer = self._setup()
        stored = {
            "python": "[('name', '=', 'Customer'), ('active', '=', True)]",
            "pyson": '[["name", "=", "Customer"]]',
            "empty": None,
            "invalid": "[('name', '=',",
            }
        with set_company(company):
            questionnaire, = Questionnaire.create([{'name': "Survey"}])
            campaigns = Campaign.create([{
                        'name': name,
                        'questionnaire': questionnaire.id,
                        'start_date': dt.date(2026, 11, 1),
                        'end_date': dt.date(2026, 11, 30),
                        } for name in stored])
            for campaign in campaigns:
                cursor.execute(*table.update(
                        [table.domain], [stored[campaign.name]],
                        where=table.id == campaign.id))

            Campaign.__register__('customer_care')

            cursor.execute(*table.select(
                    table.name, table.domain,
                    where=table.id.in_([c.id for c in campaigns])))
            migrated = dict(cursor)
            self.assertEqual(migrated, {
                    "python": PYSONEncoder().encode(
                        [('name', '=', 'Customer'), ('active', '=', True)]),
                    "pyson": stored["pyson"],
                    "empty": None,
                    "invalid": stored["invalid"],
                    })
            # Forget the values read before the migration wrote the table
            Transaction().cache.clear()
            python, pyson, empty, _ = Campaign.browse(
                [c.id for c in campaigns])
            self.assertEqual(
                python.population_domain(),
                [['name', '=', 'Customer'], ['active', '=', True]])
            self.assertEqual(
                pyson.population_domain(), [['name', '=', 'Customer']])
            self.assertEqual(empty.population_domain(), [])
            for campaign in [python, pyson]:
                self.assertEqual(
                    campaign.get_population(), {customer.id: None})


del test_tryton.ModuleTestCase
