# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the SLAs, the service reviews, the change requests and the
fulfilment of the contracts."""
import datetime as dt
from types import SimpleNamespace
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.models import sla as sla_module
from trytond.modules.customer_care.models.fulfilment import last_quarter
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.transaction import Transaction

key_db_cache()

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402


class SlaTestCase(tools.ModuleDatabaseTestCase):
    "Test the SLAs and the service reviews of the contracts"

    def _setup(self, timezone=None):
        """Create a Colombian company (in timezone if given), a customer and
        an SLA; return them"""
        pool = Pool()
        Sla = pool.get('customer_care.sla')
        company, customer = tools.create_company_customer(
            customer={'addresses': [{}]}, timezone=timezone)
        with set_company(company):
            sla = Sla(name="Gold", compliance_target=80)
            sla.targets = [
                {'kind': 'complaint', 'response_duration': 1,
                    'answer_duration': 5},
                {'kind': 'complaint', 'priority': 'high',
                    'response_duration': 4, 'response_unit': 'hour',
                    'answer_duration': 2},
                {'kind': 'petition', 'response_duration': 2,
                    'answer_duration': 10},
                ]
            sla.save()
        return company, customer, sla

    def _contract(self, customer, sla=None, start=dt.date(2026, 1, 1),
            **values):
        pool = Pool()
        Contract = pool.get('sale.subscription')
        RuleSet = pool.get('sale.subscription.recurrence.rule.set')
        rule_set, = RuleSet.search([], limit=1) or RuleSet.create([{
                    'name': "Monthly",
                    'rules': [('create', [{'freq': 'monthly'}])],
                    }])
        contract = Contract(
            party=customer, invoice_address=customer.addresses[0],
            start_date=start, invoice_recurrence=rule_set,
            sla=sla, compliance_target=sla.compliance_target if sla else None,
            **values)
        contract.save()
        Contract.write([contract], {'state': 'running'})
        return contract

    def _case(self, customer, contract, received, **values):
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case(
            customer=customer, contract=contract, subject="Subject",
            received=received, **values)
        case.save()
        return case

    @with_transaction()
    def test_sla_deadlines_weekend_and_holiday(self):
        "Test the SLA deadlines skip the weekend and a holiday"
        company, customer, sla = self._setup()
        with set_company(company):
            contract = self._contract(customer, sla)
            # Friday 13 November 2026; Monday 16 is a holiday in Colombia
            case = self._case(
                customer, contract, dt.datetime(2026, 11, 13, 10, 0),
                kind='complaint')
            self.assertEqual(case.sla, sla)
            # 1 business day: Tuesday 17 at the end of the day
            self.assertEqual(
                case.sla_response_deadline,
                dt.datetime(2026, 11, 17, 23, 59, 59))
            # 5 business days: 17, 18, 19, 20 and Monday 23
            self.assertEqual(
                case.sla_answer_deadline,
                dt.datetime(2026, 11, 23, 23, 59, 59))

    @with_transaction()
    def test_sla_target_of_priority_in_hours(self):
        "Test the target of the priority comes first and counts hours"
        company, customer, sla = self._setup()
        with set_company(company):
            contract = self._contract(customer, sla)
            # Saturday evening: hours are clock hours
            case = self._case(
                customer, contract, dt.datetime(2026, 11, 21, 20, 0),
                kind='complaint', priority='high')
            self.assertEqual(
                case.sla_response_deadline, dt.datetime(2026, 11, 22, 0, 0))
            # 2 business days from Saturday: Monday 23 and Tuesday 24
            self.assertEqual(
                case.sla_answer_deadline,
                dt.datetime(2026, 11, 24, 23, 59, 59))

    @with_transaction()
    def test_sla_business_hours_weekend_and_holiday(self):
        "Test the targets in business hours count only working hours"
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        Target = pool.get('customer_care.sla.target')
        company, customer, sla = self._setup()
        Target.create([{
                    'sla': sla.id, 'kind': 'claim',
                    'response_duration': 4, 'response_unit': 'business_hour',
                    'answer_duration': 12, 'answer_unit': 'business_hour',
                    }])
        with set_company(company):
            contract = self._contract(customer, sla)
            # Friday 13 November 2026 at 15:00: 2 working hours left that
            # day (8:00 to 17:00); Monday 16 is a holiday in Colombia
            case = self._case(
                customer, contract, dt.datetime(2026, 11, 13, 15, 0),
                kind='claim')
            # 2 hours on Friday + 2 on Tuesday 17 from 8:00
            self.assertEqual(
                case.sla_response_deadline, dt.datetime(2026, 11, 17, 10, 0))
            # 2 hours on Friday + 9 on Tuesday + 1 on Wednesday 18
            self.assertEqual(
                case.sla_answer_deadline, dt.datetime(2026, 11, 18, 9, 0))
            # Received on Saturday evening: counting starts on Monday 23
            case = self._case(
                customer, contract, dt.datetime(2026, 11, 21, 20, 0),
                kind='claim')
            self.assertEqual(
                case.sla_response_deadline, dt.datetime(2026, 11, 23, 12, 0))

            # Other working hours: 7:00 to 12:00
            configuration = Configuration(1)
            configuration.business_day_start = dt.time(7)
            configuration.business_day_end = dt.time(12)
            configuration.save()
            case = self._case(
                customer, contract, dt.datetime(2026, 11, 13, 10, 0),
                kind='claim')
            # 2 hours on Friday (to 12:00) + 2 on Tuesday from 7:00
            self.assertEqual(
                case.sla_response_deadline, dt.datetime(2026, 11, 17, 9, 0))

            # A working day that ends before it starts is refused
            configuration.business_day_end = dt.time(7)
            with self.assertRaises(UserError) as error:
                configuration.save()
            self.assertIn("start before it ends", str(error.exception))

    @with_transaction()
    def test_sla_none_without_target(self):
        "Test a case of a kind without target has no SLA deadline"
        company, customer, sla = self._setup()
        with set_company(company):
            contract = self._contract(customer, sla)
            case = self._case(
                customer, contract, dt.datetime(2026, 11, 20, 10, 0),
                kind='claim')
            self.assertIsNone(case.sla)
            self.assertIsNone(case.sla_answer_deadline)

    @with_transaction()
    def test_sla_status_first_response(self):
        "Test the first response is recorded once and the statuses"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer, sla = self._setup()
        with set_company(company):
            contract = self._contract(customer, sla)
            received = dt.datetime.now().replace(microsecond=0)
            case = self._case(customer, contract, received, kind='complaint')
            Case.register([case])
            self.assertIsNone(case.first_response_date)
            self.assertEqual(case.sla_response_status, 'running')
            Case.analyse([case])
            first = case.first_response_date
            self.assertIsNotNone(first)
            self.assertEqual(case.sla_response_status, 'met')
            self.assertEqual(case.sla_answer_status, 'running')
            case.responsible = Transaction().user
            case.save()
            Case.assign([case])
            self.assertEqual(case.first_response_date, first)

    @with_transaction()
    def test_sla_target_unique(self):
        "Test two targets of the same kind and no priority are refused"
        pool = Pool()
        Target = pool.get('customer_care.sla.target')
        company, customer, sla = self._setup()
        with self.assertRaises(UserError):
            Target.create([{
                        'sla': sla.id, 'kind': 'petition',
                        'response_duration': 1, 'answer_duration': 3,
                        }])

    @with_transaction()
    def test_review_generation_no_duplicates(self):
        "Test the reviews follow the recurrence and are created once"
        pool = Pool()
        Contract = pool.get('sale.subscription')
        Review = pool.get('customer_care.service_review')
        company, customer, sla = self._setup()
        with set_company(company):
            contract = self._contract(
                customer, sla, review_frequency='monthly',
                next_review_date=dt.date(2026, 12, 1))
            other = self._contract(
                customer, sla, review_frequency='quarterly',
                next_review_date=dt.date(2026, 11, 25))
            reviews = Contract.create_reviews(date=dt.date(2026, 11, 20))
            self.assertEqual(
                sorted((r.contract.id, r.date) for r in reviews),
                sorted([(contract.id, dt.date(2026, 12, 1)),
                        (other.id, dt.date(2026, 11, 25))]))
            self.assertEqual(contract.next_review_date, dt.date(2027, 1, 1))
            self.assertEqual(other.next_review_date, dt.date(2027, 2, 25))

            self.assertEqual(
                Contract.create_reviews(date=dt.date(2026, 11, 20)), [])
            self.assertEqual(Review.search([], count=True), 2)

            # A month later the next review of the monthly contract only
            reviews = Contract.create_reviews(date=dt.date(2026, 12, 20))
            self.assertEqual(
                [(r.contract.id, r.date) for r in reviews],
                [(contract.id, dt.date(2027, 1, 1))])
            self.assertEqual(Review.search([], count=True), 3)

    @with_transaction()
    def test_review_date_outside_contract(self):
        "Test a review date outside the contract's dates is refused"
        pool = Pool()
        Review = pool.get('customer_care.service_review')
        company, customer, sla = self._setup()
        with set_company(company):
            contract = self._contract(
                customer, sla, end_date=dt.date(2026, 12, 31))
            for date in [dt.date(2025, 12, 31), dt.date(2027, 1, 1)]:
                with self.assertRaises(UserError) as cm:
                    Review.create([{
                                'contract': contract.id,
                                'date': date,
                                }])
                self.assertIn("start and end dates", cm.exception.message)
            # The first and the last day of the contract are accepted
            reviews = Review.create([{
                        'contract': contract.id, 'date': date,
                        } for date in [
                        dt.date(2026, 1, 1), dt.date(2026, 12, 31)]])
            self.assertEqual(len(reviews), 2)
            review = reviews[-1]
            with self.assertRaises(UserError):
                Review.write([review], {'date': dt.date(2027, 1, 4)})

    def _managers(self, company):
        "Create and return two account managers of the company"
        pool = Pool()
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        group = Group(ModelData.get_id(
                'customer_care', 'group_account_manager'))
        return User.create([{
                    'login': login, 'name': login.title(),
                    'groups': [('add', [group.id])],
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    } for login in ['manager', 'other']])

    @with_transaction()
    def test_review_lines_access(self):
        "Test the lines and relations of a review follow its account manager"
        pool = Pool()
        Review = pool.get('customer_care.service_review')
        Line = pool.get('customer_care.service_review.compliance')
        ReviewUser = pool.get('customer_care.service_review-res.user')
        ReviewParty = pool.get('customer_care.service_review-party.party')
        ReviewCase = pool.get(
            'customer_care.service_review-customer_care.case')
        company, customer, sla = self._setup()
        manager, other = self._managers(company)
        with set_company(company):
            contract = self._contract(customer, sla, account_manager=manager)
            case = self._case(
                customer, contract, dt.datetime(2026, 3, 2, 9, 0),
                kind='complaint')
            review = Review(
                contract=contract, date=dt.date(2026, 4, 1),
                attendee_users=[manager], attendee_contacts=[customer])
            review.save()
            Review.prepare([review])
            self.assertEqual(review.cases, (case,))
        rows = {}
        for Model in [Line, ReviewUser, ReviewParty, ReviewCase]:
            rows[Model], = Model.search([('review', '=', review.id)])

        def as_user(user):
            return Transaction().set_user(user.id), \
                Transaction().set_context(
                    _check_access=True, company=company.id)

        set_user, set_context = as_user(other)
        with set_user, set_context:
            for Model, row in rows.items():
                self.assertEqual(Model.search([]), [])
                with self.assertRaises(AccessError):
                    Model.read([row.id], ['review'])
                with self.assertRaises(AccessError):
                    Model.write([Model(row.id)], {'review': review.id})
                with self.assertRaises(AccessError):
                    Model.delete([Model(row.id)])
            with self.assertRaises(AccessError):
                ReviewUser.create([{'review': review.id, 'user': other.id}])
            with self.assertRaises(AccessError):
                Line.create([{
                            'review': review.id, 'kind': 'petition',
                            'cases': 10, 'within': 10}])

        set_user, set_context = as_user(manager)
        with set_user, set_context:
            for Model, row in rows.items():
                # A row refused above may remain in this test transaction
                self.assertIn(row, Model.search([]))
                self.assertEqual(
                    Model.read([row.id], ['review'])[0]['review'], review.id)
            # The SLA figures are filled in by the prepare button only
            with self.assertRaises(AccessError):
                Line.write([Line(rows[Line].id)], {'within': 1})
            with self.assertRaises(AccessError):
                Line.delete([Line(rows[Line].id)])
            ReviewUser.create([{'review': review.id, 'user': other.id}])
        # The case is still open after its deadlines: breached
        self.assertEqual((rows[Line].cases, rows[Line].within), (1, 0))

    @with_transaction()
    def test_contract_figures_access(self):
        "Test an account manager sees the figures of their contracts only"
        pool = Pool()
        Party = pool.get('party.party')
        Compliance = pool.get('customer_care.sla.compliance')
        Fulfilment = pool.get('customer_care.contract.fulfilment')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        company, customer, sla = self._setup()
        manager, other = self._managers(company)
        agent = User(login='agent', name="Agent", company=company,
            companies=[company], groups=[Group(ModelData.get_id(
                        'customer_care', 'group_customer_care'))])
        agent.save()
        other_customer = Party(
            name="Other Customer", addresses=[{}], account_manager=other)
        other_customer.save()
        with set_company(company):
            mine = self._contract(customer, sla, account_manager=manager)
            # The other manager's through the customer
            theirs = self._contract(other_customer, sla)
            for contract, party in [
                    (mine, customer), (theirs, other_customer)]:
                self._case(
                    party, contract, dt.datetime(2026, 3, 2, 9, 0),
                    kind='complaint')
        context = dict(
            _check_access=True, company=company.id,
            from_date=dt.date(2026, 3, 1), to_date=dt.date(2026, 3, 31))
        for user, expected in [
                (manager, {mine}), (other, {theirs}),
                (agent, {mine, theirs})]:
            with Transaction().set_user(user.id), \
                    Transaction().set_context(**context):
                for Model in [Compliance, Fulfilment]:
                    self.assertEqual(
                        {l.contract for l in Model.search([])}, expected,
                        msg=(user.login, Model.__name__))
                # The headline figure stays company-wide
                self.assertEqual(
                    Fulfilment.get_cct(
                        company.id, context['from_date'],
                        context['to_date'])[1], 2)

    @with_transaction()
    def test_contract_compliance_period(self):
        "Test the SLA compliance of a contract follows the period chosen"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Contract = pool.get('sale.subscription')
        company, customer, sla = self._setup()
        with set_company(company):
            contract = self._contract(customer, sla)
            # Monday 2 March: answer by 9 March, answered on the 10th
            late = self._case(
                customer, contract, dt.datetime(2026, 3, 2, 9, 0),
                kind='complaint')
            # Wednesday 1 April: answer by 8 April, answered on the 2nd
            in_time = self._case(
                customer, contract, dt.datetime(2026, 4, 1, 9, 0),
                kind='complaint')
            for case, answered in [
                    (late, dt.datetime(2026, 3, 10, 12, 0)),
                    (in_time, dt.datetime(2026, 4, 2, 12, 0))]:
                Case.write([case], {
                        'state': 'answered',
                        'first_response_date': answered,
                        'answer_date': answered,
                        })

            def figure(from_date=None, to_date=None):
                with Transaction().set_context(
                        from_date=from_date, to_date=to_date):
                    return Contract(contract.id).sla_compliance
            self.assertEqual(
                figure(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), 0.0)
            self.assertEqual(
                figure(dt.date(2026, 4, 1), dt.date(2026, 4, 30)), 100.0)
            self.assertEqual(
                figure(dt.date(2026, 3, 1), dt.date(2026, 4, 30)), 50.0)
            # By default from 90 days before the end (today by default)
            self.assertEqual(
                figure(to_date=dt.date(2026, 6, 1)), 100.0)
            self.assertEqual(
                figure(to_date=dt.date(2026, 5, 31)), 50.0)
            self.assertIsNone(figure(to_date=dt.date(2026, 2, 28)))

    @with_transaction()
    def test_sla_period_company_zone(self):
        """Test the SLA figures of a period count the cases received on its
        days in the time zone of their company: the indicator, the CCT, the
        contract's compliance and the service review"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Contract = pool.get('sale.subscription')
        Fulfilment = pool.get('customer_care.contract.fulfilment')
        Indicator = pool.get('customer_care.indicator')
        Review = pool.get('customer_care.service_review')
        company, customer, sla = self._setup(timezone='America/Bogota')
        other = create_company(name="Other")

        def case(contract, received, answered):
            case = self._case(customer, contract, received, kind='complaint')
            Case.write([case], {
                    'state': 'answered',
                    'first_response_date': answered,
                    'answer_date': answered,
                    })
            return case
        march = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        with set_company(company):
            contract = self._contract(
                customer, sla, start=dt.date(2026, 3, 1))
            # Tuesday 31 March 23:30 in Bogotá (1 April 04:30 UTC), answered
            # within target: in March
            last = case(contract, dt.datetime(2026, 4, 1, 4, 30),
                dt.datetime(2026, 4, 1, 14, 0))
            # Saturday 28 February 23:30 in Bogotá (1 March 04:30 UTC),
            # answered late: in February
            case(contract, dt.datetime(2026, 3, 1, 4, 30),
                dt.datetime(2026, 3, 20, 14, 0))
            indicator, = Indicator.create([{
                        'code': 'SLA', 'name': "SLA", 'measure': 'sla_met',
                        'direction': 'higher', 'periodicity': 'monthly',
                        }])
            self.assertEqual(indicator.compute(*march), (100.0, 1, 1))
            action = indicator.records_action(*march)
            self.assertEqual(
                Case.search(PYSONDecoder().decode(action['pyson_domain'])),
                [last])
            self.assertEqual(
                Fulfilment.get_cct_counts(company.id, *march)[:2], (1, 1))
            with Transaction().set_context(
                    from_date=march[0], to_date=march[1]):
                self.assertEqual(Contract(contract.id).sla_compliance, 100.0)
            review = Review(contract=contract, date=dt.date(2026, 4, 1))
            review.save()
            Review.prepare([review])
            self.assertEqual(
                (review.period_start, review.period_end), march)
            self.assertEqual(list(review.cases), [last])
            self.assertEqual(
                (review.sla_cases, review.sla_within), (1, 1))
        with set_company(other):
            # A company in UTC: the same instants fall on the UTC days
            other_sla, = pool.get('customer_care.sla').copy(
                [sla], default={'company': other.id})
            other_contract = self._contract(customer, other_sla)
            case(other_contract, dt.datetime(2026, 3, 1, 4, 30),
                dt.datetime(2026, 3, 2, 14, 0))
            case(other_contract, dt.datetime(2026, 4, 1, 4, 30),
                dt.datetime(2026, 4, 30, 14, 0))
            with Transaction().set_context(
                    from_date=march[0], to_date=march[1]):
                self.assertEqual(
                    Contract(other_contract.id).sla_compliance, 100.0)
            self.assertEqual(
                Fulfilment.get_cct_counts(other.id, *march)[:2], (1, 1))

    @with_transaction()
    def test_prepare_reviews_together(self):
        "Test preparing several reviews at once fills each its own period"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Review = pool.get('customer_care.service_review')
        company, customer, sla = self._setup()
        with set_company(company):
            a = self._contract(customer, sla)
            b = self._contract(customer, sla)

            def case(contract, received, answered, kind='complaint'):
                case = self._case(customer, contract, received, kind=kind)
                Case.write([case], {
                        'state': 'answered',
                        'first_response_date': answered,
                        'answer_date': answered,
                        })
                return case
            # Within target: answered the next day
            a_jan = case(a, dt.datetime(2026, 1, 12, 9, 0),
                dt.datetime(2026, 1, 13, 9, 0))
            # Late: answered a month later
            a_feb = case(a, dt.datetime(2026, 2, 2, 9, 0),
                dt.datetime(2026, 3, 2, 9, 0))
            a_petition = case(a, dt.datetime(2026, 2, 3, 9, 0),
                dt.datetime(2026, 2, 4, 9, 0), kind='petition')
            # Without target: listed, not measured
            a_claim = case(a, dt.datetime(2026, 2, 4, 9, 0),
                dt.datetime(2026, 2, 5, 9, 0), kind='claim')
            b_feb = case(b, dt.datetime(2026, 2, 10, 9, 0),
                dt.datetime(2026, 2, 11, 9, 0))
            reviews = Review.create([{
                        'contract': c.id, 'date': d,
                        } for c, d in [
                        (a, dt.date(2026, 2, 1)),
                        (a, dt.date(2026, 3, 1)),
                        (b, dt.date(2026, 3, 1)),
                        ]])
            Review.prepare(reviews)
            january, february, other = reviews
            self.assertEqual(
                [(r.period_start, r.period_end) for r in reviews],
                [(dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
                    (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
                    (dt.date(2026, 1, 1), dt.date(2026, 2, 28))])
            self.assertEqual(
                [(r.sla_cases, r.sla_within, r.sla_compliance)
                    for r in reviews],
                [(1, 1, 100.0), (2, 1, 50.0), (1, 1, 100.0)])
            self.assertEqual(
                sorted((l.kind, l.cases, l.within)
                    for l in february.compliance_lines),
                [('complaint', 1, 0), ('petition', 1, 1)])
            self.assertEqual(
                [sorted(r.cases) for r in reviews],
                [[a_jan], sorted([a_feb, a_petition, a_claim]), [b_feb]])

            # Prepared again, the lines are replaced
            Review.schedule(reviews)
            Review.prepare([february])
            self.assertEqual(len(february.compliance_lines), 2)

    @with_transaction()
    def test_commitment_without_responsible(self):
        "Test an open commitment needs a responsible"
        pool = Pool()
        Review = pool.get('customer_care.service_review')
        company, customer, sla = self._setup()
        with set_company(company):
            contract = self._contract(customer, sla)
            with self.assertRaises(UserError) as cm:
                Review.create([{
                            'contract': contract.id,
                            'date': dt.date(2026, 3, 2),
                            'commitments': [('create', [{
                                            'description': "Send the plan",
                                            'due_date': dt.date(2026, 3, 9),
                                            }])],
                            }])
            self.assertIn('"Responsible"', cm.exception.message)

    @with_transaction()
    def test_change_request_own_approval(self):
        "Test a user cannot approve the change request they submitted"
        pool = Pool()
        Request = pool.get('customer_care.change_request')
        Sla = pool.get('customer_care.sla')
        User = pool.get('res.user')
        company, customer, sla = self._setup()
        with set_company(company):
            contract = self._contract(customer, sla)
            platinum, = Sla.copy([sla], {'name': "Platinum"})
            request = Request(
                contract=contract, kind='sla', new_sla=platinum,
                description="Faster answers", reason="More calls",
                requested_by=customer)
            request.save()
            Request.submit([request])
            with self.assertRaises(UserError) as cm:
                Request.approve([request])
            self.assertIn("you submitted yourself", cm.exception.message)
            self.assertEqual(request.state, 'submitted')

            other = User(login='other', name="Other")
            other.save()
            with Transaction().set_user(other.id):
                Request.approve([request])
                Request.apply([request])
            self.assertEqual(request.state, 'applied')
            self.assertEqual(contract.sla, platinum)

    @with_transaction()
    def test_fulfilment_figure(self):
        "Test the CCT figure on a data set checked by hand"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Contract = pool.get('sale.subscription')
        Review = pool.get('customer_care.service_review')
        Commitment = pool.get('customer_care.service_review.commitment')
        Fulfilment = pool.get('customer_care.contract.fulfilment')
        company, customer, sla = self._setup()
        user = Transaction().user
        now = dt.datetime(2026, 4, 15)
        with set_company(company):
            # A: one case within target, one answered late: 50 % < 80 %
            a = self._contract(customer, sla)
            # B: one case within target, one still running and a commitment
            # met on time
            b = self._contract(customer, sla)
            # C: no case but a commitment met after its due date
            c = self._contract(customer, sla)
            # D: no SLA, not counted
            self._contract(customer)
            # E: no case but an open commitment due in the period
            e = self._contract(customer, sla)
            # F: closed on 15 March, during the period, nothing due: counted
            f = self._contract(customer, sla, end_date=dt.date(2026, 3, 15))
            # G: closed on 15 February, before the period: not counted
            g = self._contract(customer, sla, end_date=dt.date(2026, 2, 15))
            Contract.write([f, g], {'state': 'closed'})

            def case(contract, received, first, answered, kind='complaint'):
                case = self._case(customer, contract, received, kind=kind)
                Case.write([case], {
                        'state': 'answered' if answered else 'analysis',
                        'first_response_date': first,
                        'answer_date': answered,
                        })
                return case
            # Monday 2 March 2026: response by 3 March, answer by 9 March
            received = dt.datetime(2026, 3, 2, 9, 0)
            case(a, received, dt.datetime(2026, 3, 2, 12, 0),
                dt.datetime(2026, 3, 5, 12, 0))
            case(a, received, dt.datetime(2026, 3, 3, 12, 0),
                dt.datetime(2026, 3, 10, 12, 0))
            case(b, received, dt.datetime(2026, 3, 2, 12, 0),
                dt.datetime(2026, 3, 9, 12, 0))
            # A petition of Tuesday 31 March answered at once but not yet
            # answered: 10 business days (2 and 3 April are holidays) end on
            # 16 April, after now: running, not measured
            running = case(b, dt.datetime(2026, 3, 31, 9, 0),
                dt.datetime(2026, 3, 31, 10, 0), None, kind='petition')
            self.assertEqual(
                running.sla_answer_deadline,
                dt.datetime(2026, 4, 16, 23, 59, 59))
            # Received before the period: not measured
            case(a, dt.datetime(2026, 2, 2, 9, 0), None,
                dt.datetime(2026, 3, 20, 9, 0))

            def commitment(contract, due_date, met_date=None,
                    review_date=dt.date(2026, 2, 27)):
                review = Review(contract=contract, date=review_date)
                review.save()
                commitment = Commitment(
                    review=review, description="Commitment",
                    responsible=user, due_date=due_date)
                commitment.save()
                if met_date:
                    Commitment.write([commitment], {
                            'state': 'met', 'met_date': met_date})
                return commitment
            commitment(b, dt.date(2026, 3, 20), dt.date(2026, 3, 20))
            commitment(c, dt.date(2026, 3, 20), dt.date(2026, 3, 23))
            commitment(e, dt.date(2026, 3, 25))
            # Due after the period: not counted
            commitment(b, dt.date(2026, 4, 2),
                review_date=dt.date(2026, 3, 27))

            # Counted: A, B, C, E and F (D has no SLA, G ended before)
            # A: 1 of 2 cases within target, 50 % < 80 %: not fulfilled
            # B: 1 of 1 measured case within target (the running one is not
            #    measured), its commitment due met on time: fulfilled
            # C: its commitment was met late: not fulfilled
            # E: its commitment due is still open: not fulfilled
            # F: nothing measured, nothing due: no data, not counted
            # CCT = 1 / 4 x 100 = 25.0 (B alone; F has nothing to measure)
            fulfilled, total, cct = Fulfilment.get_cct(
                company.id, dt.date(2026, 3, 1), dt.date(2026, 3, 31),
                now=now)
            self.assertEqual((fulfilled, total, cct), (1, 4, 25.0))
            self.assertEqual(Fulfilment.get_cct_counts(
                    company.id, dt.date(2026, 3, 1), dt.date(2026, 3, 31),
                    now=now), (1, 4, 1, 25.0))
            # The indicators of the SLA targets and of the commitments:
            # A 1 of 2, B 1 of 2 (the running petition is past its answer
            # deadline of 16 April by today); B on time, C late, E open
            Indicator = pool.get('customer_care.indicator')
            march = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
            sla_met, commitments = Indicator.create([{
                        'code': 'SLA', 'name': "SLA", 'measure': 'sla_met',
                        'direction': 'higher', 'periodicity': 'monthly',
                        }, {
                        'code': 'COM', 'name': "Commitments",
                        'measure': 'commitment_on_time',
                        'direction': 'higher', 'periodicity': 'monthly',
                        }])
            self.assertEqual(sla_met.compute(*march), (50.0, 2, 4))
            self.assertEqual(commitments.compute(*march), (33.3, 1, 3))
            self.assertEqual(
                sla_met.compute(dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
                (None, 0, 0))
            self.assertEqual(
                commitments.compute(dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
                (0.0, 0, 1))
            # The commitment of a cancelled review is not counted, by the
            # indicator nor by the management review of the quarter
            cancelled = commitment(b, dt.date(2026, 3, 24), dt.date(2026, 3, 24),
                review_date=dt.date(2026, 3, 13))
            Review.cancel([cancelled.review])
            self.assertEqual(commitments.compute(*march), (33.3, 1, 3))
            ManagementReview = pool.get('customer_care.management_review')
            quarter = ManagementReview(period_kind='quarter',
                start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 3, 31))
            quarter.save()
            ManagementReview.prepare([quarter])
            self.assertEqual(quarter.figures['service_reviews'], {
                    'held': 0, 'commitments': 3, 'met': 2, 'met_on_time': 1,
                    'met_on_time_share': 33.3,
                    })
            action = sla_met.records_action(*march)
            self.assertEqual(len(Case.search(PYSONDecoder().decode(
                            action['pyson_domain']))), 4)
            action = commitments.records_action(*march)
            self.assertEqual(len(Commitment.search(PYSONDecoder().decode(
                            action['pyson_domain']))), 3)
            # The petitions alone: the running one, past its deadline
            sla_met.kind = 'petition'
            sla_met.save()
            self.assertEqual(sla_met.compute(*march), (0.0, 0, 1))

            # A month with nothing measured nor due has no figure, not 100 %
            # (January: A, B, C, E, F and G, closed in February, run)
            self.assertEqual(Fulfilment.get_cct_counts(
                    company.id, dt.date(2026, 1, 1), dt.date(2026, 1, 31),
                    now=now), (0, 0, 6, None))

            # The list is computed at the current time: fix it to now
            clock = SimpleNamespace(
                now=lambda: now, combine=dt.datetime.combine)
            with Transaction().set_context(
                    company=company.id, from_date=dt.date(2026, 3, 1),
                    to_date=dt.date(2026, 3, 31)), \
                    patch.object(sla_module, 'dt', SimpleNamespace(
                            datetime=clock, time=dt.time,
                            timedelta=dt.timedelta)):
                lines = {l.contract: l for l in Fulfilment.search([])}
                # Not fulfilled first, no data last
                self.assertEqual(
                    [l.status for l in Fulfilment.search([])][-1],
                    'no_data')
            self.assertEqual(set(lines), {a, b, c, e, f})
            self.assertEqual(
                (lines[a].cases, lines[a].within, lines[a].fulfilled),
                (2, 1, False))
            self.assertEqual(lines[a].compliance, 50.0)
            self.assertEqual(
                (lines[b].cases, lines[b].within, lines[b].commitments,
                    lines[b].commitments_on_time, lines[b].fulfilled),
                (1, 1, 1, 1, True))
            self.assertEqual(
                (lines[c].commitments, lines[c].commitments_on_time,
                    lines[c].fulfilled),
                (1, 0, False))
            self.assertEqual(
                (lines[e].cases, lines[e].commitments,
                    lines[e].commitments_on_time, lines[e].fulfilled),
                (0, 1, 0, False))
            self.assertEqual(
                (lines[f].cases, lines[f].commitments,
                    bool(lines[f].fulfilled), lines[f].status),
                (0, 0, False, 'no_data'))
            self.assertEqual(
                {k: l.status for k, l in lines.items()},
                {a: 'not_fulfilled', b: 'fulfilled', c: 'not_fulfilled',
                    e: 'not_fulfilled', f: 'no_data'})
            self.assertEqual(
                sum(bool(l.fulfilled) for l in lines.values()), fulfilled)

    def test_last_quarter(self):
        "Test the default period is the last complete calendar quarter"
        for today, expected in [
                (dt.date(2026, 12, 1), (dt.date(2026, 7, 1),
                        dt.date(2026, 9, 30))),
                (dt.date(2026, 1, 15), (dt.date(2025, 10, 1),
                        dt.date(2025, 12, 31))),
                (dt.date(2026, 3, 31), (dt.date(2025, 10, 1),
                        dt.date(2025, 12, 31))),
                (dt.date(2026, 4, 1), (dt.date(2026, 1, 1),
                        dt.date(2026, 3, 31))),
                ]:
            self.assertEqual(last_quarter(today), expected, msg=today)

    @with_transaction()
    def test_fulfilment_default_period(self):
        "Test the fulfilment opens on the last quarter and says no data"
        pool = Pool()
        Context = pool.get('customer_care.contract.fulfilment.context')
        Date = pool.get('ir.date')
        company, customer, sla = self._setup()
        with set_company(company):
            # A contract with nothing measured in the period
            self._contract(customer, sla)
            start, end = last_quarter(Date.today())
            self.assertEqual(
                (Context.default_from_date(), Context.default_to_date()),
                (start, end))
            self.assertEqual(
                (Context.default_total(), Context.default_without_data(),
                    Context.default_cct()), (0, 1, None))
            self.assertEqual(
                Context.default_no_data(),
                "No data: no case measured and no commitment due in the "
                "period.")
            context = Context(
                company=company, from_date=start, to_date=end)
            self.assertIsNone(context.on_change_with_cct())
            self.assertTrue(context.on_change_with_no_data())
