# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the management review: its figures counted by hand over the
last quarter of 2025 in the company's time zone (another company's records
and cancelled ones left out), an empty period, the trend across the year,
the queued and the in-request preparation, the freeze and the access."""
import datetime as dt
import subprocess
from unittest.mock import patch

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access

key_db_cache()

import trytond.config as config  # noqa: E402
from trytond.model.exceptions import AccessError  # noqa: E402
from trytond.modules.customer_care.models.exceptions import (  # noqa: E402
    ManagementReviewValidationError)
from trytond.modules.customer_care.models.management_review import (  # noqa: E402,E501
    period_label, trend_chart)
from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402

Q3 = (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
Q4 = (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
# Bogotá is UTC-5: 23:30 on 31 December there is 04:30 on 1 January in UTC
LAST_2025_EVENING = dt.datetime(2026, 1, 1, 4, 30)
FIRST_2026_NIGHT = dt.datetime(2026, 1, 1, 5, 30)
REPORT = 'customer_care.management_review'


def pdf_text(content):
    "Return the text of the PDF content, on one line"
    text = subprocess.run(
        ['pdftotext', '-layout', '-', '-'], input=content,
        capture_output=True, check=True).stdout.decode()
    return ' '.join(text.split())


class ManagementReviewTestCase(tools.ModuleDatabaseTestCase):
    "Test the management review"

    def _set(self, Model, record, **values):
        "Write values on the record's row as the workflow would have"
        table = Model.__table__()
        cursor = Transaction().connection.cursor()
        columns = [getattr(table, n) for n in values]
        cursor.execute(*table.update(
                columns, list(values.values()),
                where=table.id == record.id))

    def _service(self, name="Water Supply", code='W1'):
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        template = Template(
            name=name, type='service',
            default_uom=Uom(ModelData.get_id('product', 'uom_unit')),
            products=[{'suffix_code': code}])
        template.save()
        service, = template.products
        return service

    def _case(self, customer, kind, channel, received, answered=None,
            on_time=None, state='registered', **values):
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case(
            customer=customer, subject="Subject", kind=kind,
            received=received,
            petition_kind='general' if kind == 'petition' else None)
        case.save()
        self._set(Case, case, channel=channel, answer_date=answered,
            on_time=on_time, state='answered' if answered else state,
            **values)
        if state == 'cancelled':
            self._set(Case, case, state='cancelled')
        return case

    def _action(self, kind, opened, closed=None, checked=None,
            effectiveness=None, state='processing'):
        pool = Pool()
        Action = pool.get('customer_care.improvement_action')
        action = Action(kind=kind, title="Action", opened=opened)
        action.save()
        self._set(Action, action, state=state, closed=closed,
            checked=checked, effectiveness=effectiveness)
        return action

    def _indicator(self, code, **values):
        pool = Pool()
        Indicator = pool.get('customer_care.indicator')
        indicator = Indicator(
            code=code, name=code, measure='case_on_time',
            periodicity='quarterly', **values)
        indicator.on_change_measure()
        indicator.save()
        return indicator

    def _review(self, start, end, kind='quarter', **values):
        pool = Pool()
        Review = pool.get('customer_care.management_review')
        review = Review(
            period_kind=kind, start_date=start, end_date=end, **values)
        review.save()
        return review

    def _records(self, customer):
        """Create the hand-counted data set of Q4 2025 (Bogotá)

        Cases: A complaint by e-mail received 20 December, answered on time
        31 December 23:30 in Bogotá; B claim from the regulator received 1
        January 00:30 in Bogotá (Q1 2026); C petition by phone for the
        service, received 5 October, extended 20 October, answered late 20
        November; D claim from the regulator, answered on time, cancelled;
        E claim from the regulator for the service, received 1 December, not
        answered; F petition by e-mail received in September, answered on
        time 2 October; G petition by e-mail received and answered on time
        in Q3.
        Actions: 1 corrective opened, closed and checked effective in Q4;
        2 preventive opened in Q4; 3 corrective opened in June, closed and
        checked not effective in Q4; 4 corrective opened in Q4, cancelled."""
        service = self._service()
        self._case(customer, 'complaint', 'email',
            dt.datetime(2025, 12, 20, 15), LAST_2025_EVENING, True)
        self._case(customer, 'claim', 'regulator', FIRST_2026_NIGHT)
        self._case(customer, 'petition', 'phone',
            dt.datetime(2025, 10, 5, 15), dt.datetime(2025, 11, 20, 15),
            False, service=service.id, extended_on=dt.date(2025, 10, 20),
            extension_duration=15)
        self._case(customer, 'claim', 'regulator',
            dt.datetime(2025, 11, 1, 15), dt.datetime(2025, 11, 10, 15),
            True, state='cancelled')
        self._case(customer, 'claim', 'regulator',
            dt.datetime(2025, 12, 1, 15), service=service.id)
        self._case(customer, 'petition', 'email',
            dt.datetime(2025, 9, 25, 15), dt.datetime(2025, 10, 2, 15), True)
        self._case(customer, 'petition', 'email',
            dt.datetime(2025, 7, 20, 15), dt.datetime(2025, 8, 1, 15), True)
        self._action('corrective', dt.date(2025, 10, 10),
            closed=dt.date(2025, 12, 1), checked=dt.date(2025, 12, 15),
            effectiveness='effective', state='checked')
        self._action('preventive', dt.date(2025, 11, 1))
        self._action('corrective', dt.date(2025, 6, 1),
            closed=dt.date(2025, 10, 15), checked=dt.date(2025, 11, 1),
            effectiveness='not_effective', state='checked')
        self._action('corrective', dt.date(2025, 11, 1), state='cancelled')
        return service

    def _other_company_records(self):
        "Another company with a case, an action and an indicator in Q4"
        pool = Pool()
        other = create_company(name="Other")
        with set_company(other):
            customer, = pool.get('party.party').create([{'name': "Other"}])
            self._case(customer, 'complaint', 'email',
                dt.datetime(2025, 11, 3, 15), dt.datetime(2025, 11, 4, 15),
                True)
            self._action('corrective', dt.date(2025, 11, 1))
            self._indicator('OTHER')

    def render(self, review):
        "Return the text of the PDF of the review"
        pool = Pool()
        Report = pool.get(REPORT, type='report')
        extension, content, _, _ = Report.execute([review.id], {})
        self.assertEqual(extension, 'pdf')
        return pdf_text(content)

    @with_transaction()
    def test_figures(self):
        "Test the figures of Q4 2025 counted by hand"
        pool = Pool()
        Indicator = pool.get('customer_care.indicator')
        company, customer = tools.create_company_customer(
            timezone='America/Bogota')
        self._other_company_records()
        with set_company(company):
            service = self._records(customer)
            indicator = self._indicator(
                'OT', target=90, amber_limit=80, red_limit=60)
            inactive = self._indicator('OFF', active=False)
            Indicator.snapshot([(indicator, *Q3), (indicator, *Q4)])
            self.assertTrue(inactive.id)
            review = self._review(*Q4)
            review.prepare([review])
            figures = review.figures

            cases = figures['cases']
            # Received A, C, E; answered A, C, F; on time A, F; extended C
            self.assertEqual(cases['total'], [3, 3, 2, 1])
            self.assertEqual(cases['kind'], [
                    ['claim', 1, 0, 0, 0],
                    ['complaint', 1, 1, 1, 0],
                    ['petition', 1, 2, 1, 1],
                    ])
            self.assertEqual(cases['channel'], [
                    ['email', 1, 2, 2, 0],
                    ['phone', 1, 1, 0, 1],
                    ['regulator', 1, 0, 0, 0],
                    ])
            self.assertEqual(cases['service'], [
                    [service.id, 2, 1, 0, 1],
                    [None, 1, 2, 2, 0],
                    ])

            actions = figures['actions']
            self.assertEqual(actions['kind'], [
                    ['corrective', 1, 2, 2, 1],
                    ['preventive', 1, 0, 0, 0],
                    ])
            self.assertEqual(actions['total'], [2, 2, 2, 1])
            self.assertEqual(actions['effectiveness'], 50.0)

            # Only the company's active indicator, its trend from Q1 2025
            row, = figures['indicators']
            self.assertEqual(row['code'], 'OT')
            self.assertEqual(
                (row['value'], row['numerator'], row['denominator']),
                (66.7, 2, 3))
            self.assertEqual(row['colour'], 'amber')
            self.assertEqual(
                [(t['start'], t['value'], t['colour']) for t in row['trend']],
                [('2025-01-01', None, 'no_data'),
                    ('2025-04-01', None, 'no_data'),
                    ('2025-07-01', 100.0, 'green'),
                    ('2025-10-01', 66.7, 'amber')])

            self.assertFalse(figures['surveys'])
            self.assertEqual(figures['service_reviews'], {
                    'held': 0, 'commitments': 0, 'met': 0,
                    'met_on_time': 0, 'met_on_time_share': None})
            self.assertIsNone(figures.get('requirements'))
            self.assertFalse(review.figures_queued)
            self.assertTrue(review.figures_date)

            text = self.render(review)
            self.assertIn("Management Review · Q4 2025", text)
            self.assertIn("[OT] OT", text)
            self.assertIn("Water Supply", text)
            self.assertNotIn("[OTHER]", text)

    @with_transaction()
    def test_report_names_once(self):
        """Test the report reads the names of its indicators and services in
        one search each, whatever their number"""
        pool = Pool()
        Indicator = pool.get('customer_care.indicator')
        Product = pool.get('product.product')
        company, customer = tools.create_company_customer(
            timezone='America/Bogota')
        with set_company(company):
            self._records(customer)
            gas = self._service("Gas Supply", 'G1')
            self._case(customer, 'complaint', 'email',
                dt.datetime(2025, 11, 3, 15), service=gas.id)
            for code in ['OT', 'OT2', 'OT3']:
                self._indicator(code)
            review = self._review(*Q4)
            review.prepare([review])
            self.assertEqual(len(review.figures['indicators']), 3)
            self.assertEqual(len(review.figures['cases']['service']), 3)
            with patch.object(
                    Indicator, 'search', wraps=Indicator.search) as indicators, \
                    patch.object(
                        Product, 'search', wraps=Product.search) as products:
                text = self.render(review)
            self.assertEqual(indicators.call_count, 1)
            self.assertEqual(products.call_count, 1)
            for name in ["[OT] OT", "[OT2] OT2", "[OT3] OT3",
                    "Water Supply", "Gas Supply"]:
                self.assertIn(name, text)

    @with_transaction()
    def test_year_crossing(self):
        """Test the first quarter of 2026: the case answered on New Year's
        Eve in Bogotá is in 2025, the one received after midnight in 2026;
        the trend of a yearly review"""
        company, customer = tools.create_company_customer(
            timezone='America/Bogota')
        with set_company(company):
            self._records(customer)
            indicator = self._indicator('OT')
            review = self._review(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
            review.prepare([review])
            # B only, received 1 January 00:30 in Bogotá
            self.assertEqual(review.figures['cases']['total'], [1, 0, 0, 0])
            row, = review.figures['indicators']
            self.assertEqual(row['value'], None)
            self.assertEqual(row['colour'], 'no_data')
            self.assertEqual([t['start'] for t in row['trend']], [
                    '2025-04-01', '2025-07-01', '2025-10-01', '2026-01-01'])

            # 2025: received A, C, E, F, G (not B nor the cancelled D);
            # answered A (on New Year's Eve), C, F, G; on time A, F, G
            year = self._review(
                dt.date(2025, 1, 1), dt.date(2025, 12, 31), kind='year')
            year.prepare([year])
            self.assertEqual(year.figures['cases']['total'], [5, 4, 3, 1])
            self.assertEqual(indicator.periodicity, 'quarterly')

    @with_transaction()
    def test_period_changed(self):
        """Test the figures prepared go with their period: changing the
        period of a draft clears them and Done computes those of the new
        period"""
        pool = Pool()
        Review = pool.get('customer_care.management_review')
        company, customer = tools.create_company_customer(
            timezone='America/Bogota')
        with set_company(company):
            self._records(customer)
            review = self._review(*Q4)
            review.prepare([review])
            self.assertEqual(review.figures['cases']['total'], [3, 3, 2, 1])

            Review.write([review], {
                    'start_date': dt.date(2026, 1, 1),
                    'end_date': dt.date(2026, 3, 31),
                    })
            self.assertIsNone(review.figures)
            self.assertIsNone(review.figures_date)

            Review.write([review], {'conclusions': "Stable."})
            Review.do([review])
            self.assertEqual(review.state, 'done')
            self.assertEqual(review.figures['cases']['total'], [1, 0, 0, 0])
            self.assertTrue(review.figures_date)

    @with_transaction()
    def test_empty_period(self):
        "Test a period without records: no data, no division by zero"
        company, customer = tools.create_company_customer(
            timezone='America/Bogota')
        with set_company(company):
            self._indicator('OT', target=90)
            review = self._review(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
            review.prepare([review])
            figures = review.figures
            self.assertEqual(figures['cases']['total'], [0, 0, 0, 0])
            self.assertEqual(figures['cases']['kind'], [])
            self.assertEqual(figures['actions']['total'], [0, 0, 0, 0])
            self.assertIsNone(figures['actions']['effectiveness'])
            row, = figures['indicators']
            self.assertIsNone(row['value'])
            self.assertEqual(
                {t['colour'] for t in row['trend']}, {'no_data'})
            text = self.render(review)
            self.assertIn("No data", text)
            self.assertIn("No survey campaign ended in the period.", text)

    @with_transaction()
    def test_queued(self):
        """Test Prepare with a worker queues the computation, which the task
        then stores; without a worker it runs in the request"""
        pool = Pool()
        Queue = pool.get('ir.queue')
        company, customer = tools.create_company_customer(
            timezone='America/Bogota')
        with set_company(company):
            self._records(customer)
            review = self._review(*Q4)
            worker = config.get('queue', 'worker')
            config.set('queue', 'worker', 'True')
            try:
                review.prepare([review])
            finally:
                if worker is None:
                    config._config.remove_option('queue', 'worker')
                    config._cache_clear()
                else:
                    config.set('queue', 'worker', worker)
            self.assertTrue(review.figures_queued)
            self.assertFalse(review.figures)
            task, = [t for t in Queue.search([('finished_at', '=', None)])
                if t.data['method'] == 'compute_figures']
            self.assertEqual(task.data['model'], REPORT)
            self.assertEqual(task.data['method'], 'compute_figures')
            self.assertEqual(list(task.data['instances']), [review.id])
            task.run()
            review = review.__class__(review.id)
            self.assertFalse(review.figures_queued)
            self.assertEqual(review.figures['cases']['total'], [3, 3, 2, 1])

            # Done without figures: they are computed then, in the request
            other = self._review(*Q3)
            other.do([other])
            self.assertEqual(other.state, 'done')
            # F and G received in Q3, G answered on time in it
            self.assertEqual(
                other.figures['cases']['total'], [2, 1, 1, 0])

    @with_transaction()
    def test_defaults_and_done(self):
        """Test the default period (the last closed quarter of the company's
        day), the period check and that done freezes the review"""
        pool = Pool()
        Review = pool.get('customer_care.management_review')
        Date = pool.get('ir.date')
        company, _ = tools.create_company_customer(
            timezone='America/Bogota')
        with set_company(company):
            today = Date.today()
            start, end = Review.default_start_date(), Review.default_end_date()
            # The quarter ended the day before this quarter's first day
            self.assertEqual(end + dt.timedelta(days=1),
                today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1))
            self.assertEqual(start, end.replace(
                    month=(end.month - 1) // 3 * 3 + 1, day=1))
            review = Review(period_kind='year', start_date=dt.date(2025, 5, 3))
            review.on_change_period_kind()
            self.assertEqual(
                (review.start_date, review.end_date),
                (dt.date(2025, 1, 1), dt.date(2025, 12, 31)))

            with self.assertRaises(ManagementReviewValidationError):
                self._review(dt.date(2025, 4, 1), dt.date(2025, 3, 31))

            review = self._review(*Q4, conclusions="Fine.")
            Review.do([review])
            self.assertEqual(period_label(*Q4), "Q4 2025")
            with self.assertRaises(AccessError):
                Review.write([review], {'conclusions': "Changed."})
            with self.assertRaises(AccessError):
                Review.delete([review])
            self.assertEqual(review.conclusions, "Fine.")
            copy, = Review.copy([review])
            self.assertEqual(copy.state, 'draft')
            self.assertFalse(copy.figures)

    @with_transaction()
    def test_trend_chart(self):
        "Test the chart geometry: no bar without data, the target line"
        trend = [
            {'start': '2025-01-01', 'end': '2025-03-31', 'value': None,
                'target': None, 'colour': 'no_data'},
            {'start': '2025-04-01', 'end': '2025-06-30', 'value': 50.0,
                'target': 80.0, 'colour': 'red'},
            ]
        chart = trend_chart(trend, 'percent', width=200, height=70)
        (_, _, _, h0, l0, v0, c0), (_, _, _, h1, l1, v1, c1) = chart['bars']
        self.assertEqual((h0, v0, c0, l0), (0, None, 'no_data', "Q1 2025"))
        self.assertEqual((v1, c1, l1), (50.0, 'red', "Q2 2025"))
        self.assertAlmostEqual(h1, (70 - 14 - 12) * 0.5)
        self.assertAlmostEqual(chart['target'], 56 - 44 * 0.8)

    @with_transaction()
    def test_access(self):
        """Test the administration writes the reviews, management and the
        module's users read them, nobody reads another company's"""
        pool = Pool()
        Review = pool.get('customer_care.management_review')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        company, _ = tools.create_company_customer()
        other = create_company(name="Other")
        with set_company(other):
            other_review = self._review(*Q4)
        with set_company(company):
            review = self._review(*Q4)
        users = {}
        for login, group in [
                ('coordinator', 'group_customer_care_admin'),
                ('manager', 'group_customer_care_management'),
                ('agent', 'group_customer_care'),
                ('outsider', None)]:
            users[login], = User.create([{
                        'login': login, 'name': login,
                        'groups': [('add', [ModelData.get_id(
                                            'customer_care', group)])]
                        if group else [],
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        }])
        for login in ['coordinator', 'manager', 'agent']:
            with Transaction().set_user(users[login].id), \
                    Transaction().set_context(company=company.id), \
                    check_access():
                self.assertEqual(Review.search([]), [review], login)
                if login == 'coordinator':
                    Review.write([Review(review.id)], {'decisions': "Go."})
                else:
                    with self.assertRaises(AccessError):
                        Review.write(
                            [Review(review.id)], {'decisions': "No."})
        with Transaction().set_user(users['outsider'].id), \
                Transaction().set_context(company=company.id), \
                check_access(), self.assertRaises(AccessError):
            Review.search([])
        self.assertTrue(other_review.id)
