# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the indicators: the built-in figures counted by hand across a
quarter boundary in the company's time zone, the snapshots of the closed
periods taken once, the improvement action of a red snapshot, the ranges
and the access."""
import datetime as dt

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.transaction import Transaction, check_access

key_db_cache()

from trytond.model.exceptions import (  # noqa: E402
    AccessError, SQLConstraintError)
from trytond.modules.customer_care.models.exceptions import (  # noqa: E402
    IndicatorValidationError)
from trytond.modules.customer_care.models.indicator import (  # noqa: E402
    MEASURES, last_closed_period, percentile_query, period_end, period_start)
from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
# Bogotá is UTC-5 all year: 23:30 on 31 March there is 04:30 on 1 April
# in UTC, stored as such
LAST_Q1_EVENING = dt.datetime(2026, 4, 1, 4, 30)
FIRST_Q2_NIGHT = dt.datetime(2026, 4, 1, 5, 30)


class IndicatorTestCase(tools.ModuleDatabaseTestCase):
    "Test the indicators and their snapshots"

    def _setup(self):
        "Return the company (in Bogotá) and a customer"
        return tools.create_company_customer(timezone='America/Bogota')

    def _set(self, Model, record, **values):
        "Write values on the record's row as the workflow would have"
        table = Model.__table__()
        cursor = Transaction().connection.cursor()
        columns = [getattr(table, n) for n in values]
        cursor.execute(*table.update(
                columns, list(values.values()),
                where=table.id == record.id))

    def _case(self, customer, kind, answered, on_time, state='answered'):
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case(
            customer=customer, subject="Subject", kind=kind,
            received=answered - dt.timedelta(days=3),
            petition_kind='general' if kind == 'petition' else None)
        case.save()
        self._set(
            Case, case, answer_date=answered, on_time=on_time, state=state)
        return case

    def _check(self, case, done, result, state='done'):
        pool = Pool()
        Check = pool.get('customer_care.satisfaction.check')
        check, = Check.create([{
                    'company': case.company.id,
                    'case': case.id,
                    'customer': case.customer.id,
                    }])
        self._set(Check, check, state=state, result=result, done_date=done)
        return check

    def _action(self, opened, due_date, state='processing', closed=None):
        pool = Pool()
        Action = pool.get('customer_care.improvement_action')
        action = Action(
            kind='corrective', title="Action", opened=opened,
            due_date=due_date)
        action.save()
        self._set(Action, action, state=state, closed=closed)
        return action

    def _records(self, customer):
        """Create the hand-counted data set; return the cases by letter

        Q1 answered: A (complaint, on time, 31 March 23:30 in Bogotá),
        C (petition, late), F (complaint, on time); D (claim, on time) is
        cancelled. Q2: B (claim, late, 1 April 00:30 in Bogotá).
        Checks: A satisfied on 31 March 23:00 Bogotá, C not satisfied,
        F refused (not verified), B not satisfied on 2 April, and one still
        pending."""
        cases = {
            'A': self._case(customer, 'complaint', LAST_Q1_EVENING, True),
            'B': self._case(customer, 'claim', FIRST_Q2_NIGHT, False),
            'C': self._case(
                customer, 'petition', dt.datetime(2026, 2, 10, 15), False),
            'D': self._case(
                customer, 'claim', dt.datetime(2026, 3, 15, 15), True,
                state='cancelled'),
            'F': self._case(
                customer, 'complaint', dt.datetime(2026, 1, 5, 12), True),
            }
        self._check(cases['A'], dt.datetime(2026, 4, 1, 4), 'satisfied')
        self._check(cases['C'], dt.datetime(2026, 2, 15, 15), 'not_satisfied')
        self._check(cases['F'], dt.datetime(2026, 1, 10, 15), 'not_verified')
        self._check(cases['B'], dt.datetime(2026, 4, 2, 15), 'not_satisfied')
        self._check(cases['C'], None, None, state='pending')
        return cases

    def _indicator(self, measure, code=None, **values):
        pool = Pool()
        Indicator = pool.get('customer_care.indicator')
        indicator = Indicator(
            code=code or measure, name=measure, measure=measure)
        indicator.on_change_measure()
        for name, value in values.items():
            setattr(indicator, name, value)
        indicator.save()
        return indicator

    def test_periods(self):
        "Test the periods and the last closed one"
        self.assertEqual(
            last_closed_period(dt.date(2026, 4, 1), 'quarterly'), Q1)
        self.assertEqual(
            last_closed_period(dt.date(2026, 3, 31), 'quarterly'),
            (dt.date(2025, 10, 1), dt.date(2025, 12, 31)))
        self.assertEqual(
            last_closed_period(dt.date(2026, 1, 15), 'monthly'),
            (dt.date(2025, 12, 1), dt.date(2025, 12, 31)))
        self.assertEqual(
            last_closed_period(dt.date(2026, 3, 10), 'monthly'),
            (dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
        self.assertEqual(
            last_closed_period(dt.date(2026, 6, 1), 'yearly'),
            (dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
        self.assertEqual(
            period_start(dt.date(2026, 11, 30), 'quarterly'),
            dt.date(2026, 10, 1))
        self.assertEqual(
            period_end(dt.date(2026, 10, 1), 'quarterly'),
            dt.date(2026, 12, 31))

    @with_transaction()
    def test_figures(self):
        "Test each built-in figure counted by hand across the quarter end"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = self._setup()
        other = create_company(name="Other")
        with set_company(other):
            other_customer, = pool.get('party.party').create(
                [{'name': "Other"}])
            # Another company's case is not counted
            self._case(other_customer, 'complaint', LAST_Q1_EVENING, True)
        with set_company(company):
            cases = self._records(customer)
            on_time = self._indicator('case_on_time')
            # A and F on time out of A, C and F; D is cancelled
            self.assertEqual(on_time.compute(*Q1), (66.7, 2, 3))
            self.assertEqual(on_time.compute(*Q2), (0.0, 0, 1))
            # An empty period has no figure, not 0 % nor a division error
            self.assertEqual(
                on_time.compute(dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
                (None, 0, 0))

            # A satisfied out of A and C reached; F refused, the pending
            # check has no result
            satisfied = self._indicator('check_satisfied')
            self.assertEqual(satisfied.compute(*Q1), (50.0, 1, 2))
            self.assertEqual(satisfied.compute(*Q2), (0.0, 0, 1))

            # Complaints and claims: A verified, F refused; B verified
            verified = self._indicator('complaint_verified')
            self.assertEqual(verified.compute(*Q1), (50.0, 1, 2))
            self.assertEqual(verified.compute(*Q2), (100.0, 1, 1))

            # No contract with an SLA: no CCT
            cct = self._indicator('contract_fulfilment')
            self.assertEqual(cct.direction, 'higher')
            self.assertEqual(cct.compute(*Q1), (None, 0, 0))

            # The records behind the figure: the cases answered in Q1
            action = on_time.records_action(*Q1)
            domain = PYSONDecoder().decode(action['pyson_domain'])
            self.assertEqual(
                {c.id for c in Case.search(domain)},
                {cases['A'].id, cases['C'].id, cases['F'].id})
            self.assertEqual(action['res_model'], 'customer_care.case')
            action = verified.records_action(*Q2)
            self.assertEqual(
                Case.search(PYSONDecoder().decode(action['pyson_domain'])),
                [cases['B']])

    @with_transaction()
    def test_answer_days(self):
        """Test the business days to answer, their mean and 90th percentile,
        the cases received and the case filters, across the year end"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        Team = pool.get('customer_care.team')
        Segment = pool.get('customer_care.segment')
        Attribute = pool.get('customer_care.quality_attribute')
        Classification = pool.get('customer_care.regulator_classification')
        User = pool.get('res.user')
        company, customer = self._setup()
        manager = User(login='manager', name="Manager")
        manager.save()
        with set_company(company):
            # Received on Tuesday 31 March 2026 at 9:00 in Bogotá, answered
            # on Monday 6 April: 1 April, then 2 and 3 April are Holy
            # Thursday and Good Friday, 4 and 5 the weekend, 6 April
            case = Case(
                company=company, received=dt.datetime(2026, 3, 31, 14),
                answer_date=dt.datetime(2026, 4, 6, 20))
            self.assertEqual(case.count_answer_days(), 2)
            # Answered at 23:30 in Bogotá on the day received: 0 days
            case.answer_date = dt.datetime(2026, 4, 1, 4, 30)
            self.assertEqual(case.count_answer_days(), 0)

            other_customer, = Party.create([{
                        'name': "Managed", 'account_manager': manager.id}])
            team, = Team.create([{'name': "Team"}])
            segment, = Segment.create([{
                        'name': "Managed", 'parties': [
                            ('add', [other_customer.id])]}])
            cases = self._records(customer)
            for letter, days in [('A', 2), ('C', 10), ('F', 5), ('D', 1),
                    ('B', 7)]:
                self._set(Case, cases[letter], answer_days=days)
            # E: a suggestion of the managed customer by phone, team's
            e = self._case(
                other_customer, 'suggestion', dt.datetime(2026, 3, 1, 15),
                False)
            attribute, = Attribute.search([], limit=1) or Attribute.create(
                [{'name': "Attribute"}])
            classification, = (Classification.search([], limit=1)
                or Classification.create([{'name': "Classification"}]))
            self._set(Case, e, answer_days=3, channel='phone', team=team.id,
                quality_attribute=attribute.id)
            self._set(Case, cases['C'],
                regulator_classification=classification.id)
            # G: answered on 31 December 2025 at 23:00 in Bogotá (1 January
            # in UTC): the last quarter of 2025
            g = self._case(
                customer, 'petition', dt.datetime(2026, 1, 1, 4), True)
            self._set(Case, g, answer_days=4)

            mean = self._indicator('answer_days_mean')
            p90 = self._indicator('answer_days_p90')
            self.assertEqual(mean.direction, 'lower')
            self.assertEqual(mean.unit, 'days')
            # Q1: A 2, E 3, F 5, C 10 (D cancelled, B and G outside)
            self.assertEqual(mean.compute(*Q1), (5.0, 20, 4))
            # The value at 0.9 x (4 - 1) = 2.7 from the smallest:
            # 5 + 0.7 x (10 - 5)
            self.assertEqual(p90.compute(*Q1), (8.5, None, 4))
            self.assertEqual(mean.compute(*Q2), (7.0, 7, 1))
            self.assertEqual(p90.compute(*Q2), (7.0, None, 1))
            q4 = (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
            self.assertEqual(mean.compute(*q4), (4.0, 4, 1))
            # A period across the year end: G and F
            winter = (dt.date(2025, 12, 1), dt.date(2026, 1, 31))
            self.assertEqual(mean.compute(*winter), (4.5, 9, 2))
            self.assertEqual(p90.compute(*winter), (4.9, None, 2))
            empty = (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
            self.assertEqual(mean.compute(*empty), (None, 0, 0))
            self.assertEqual(p90.compute(*empty), (None, None, 0))

            # The complaints: A 2 and F 5, at 0.9: 2 + 0.9 x 3
            p90_complaints = self._indicator(
                'answer_days_p90', code='P90C', kind='complaint')
            self.assertEqual(p90_complaints.compute(*Q1), (4.7, None, 2))
            action = p90_complaints.records_action(*Q1)
            self.assertEqual(
                set(Case.search(PYSONDecoder().decode(
                            action['pyson_domain']))),
                {cases['A'], cases['F']})

            # Received: Q1 A, B (29 March), C, E and F; G in 2025, D
            # cancelled, the other company's not counted
            count = self._indicator('case_count')
            self.assertEqual(count.compute(*Q1), (5, 5, None))
            self.assertEqual(count.compute(*Q2), (0, 0, None))
            self.assertEqual(count.compute(*q4), (1, 1, None))
            for code, values, expected in [
                    ('K', {'kind': 'claim'}, {'B'}),
                    ('CH', {'channel': 'phone'}, {'E'}),
                    ('T', {'team': team}, {'E'}),
                    ('S', {'segment': segment}, {'E'}),
                    ('M', {'account_manager': manager}, {'E'}),
                    ('MK', {'account_manager': manager, 'kind': 'claim'},
                        set()),
                    ('QA', {'quality_attribute': attribute}, {'E'}),
                    ('RC', {'regulator_classification': classification},
                        {'C'}),
                    ]:
                with self.subTest(values=values):
                    indicator = self._indicator(
                        'case_count', code=code, **values)
                    self.assertEqual(
                        indicator.compute(*Q1)[0], len(expected))
                    action = indicator.records_action(*Q1)
                    all_cases = dict(cases, E=e, G=g)
                    self.assertEqual(
                        set(Case.search(PYSONDecoder().decode(
                                    action['pyson_domain']))),
                        {all_cases[l] for l in expected})
            # The checks of the complaints: A satisfied, F refused
            satisfied = self._indicator(
                'check_satisfied', code='SCC', kind='complaint')
            self.assertEqual(satisfied.compute(*Q1), (100.0, 1, 1))

    @with_transaction()
    def test_answer_days_migration(self):
        """Test the update of the module stores the business days to answer
        of the cases answered before they were stored, in batches"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = self._setup()
        with set_company(company):
            # Received on Tuesday 31 March 2026 at 9:00 in Bogotá, answered
            # on Monday 6 April (Holy Thursday and Good Friday between): 2
            holy_week = self._case(
                customer, 'complaint', dt.datetime(2026, 4, 6, 20), True)
            self._set(Case, holy_week, received=dt.datetime(2026, 3, 31, 14))
            # Answered at 23:30 in Bogotá on the day received: 0
            same_day = self._case(customer, 'claim', LAST_Q1_EVENING, True)
            self._set(Case, same_day, received=dt.datetime(2026, 3, 31, 14))
            # Already stored: kept
            stored = self._case(
                customer, 'petition', dt.datetime(2026, 2, 10, 15), True)
            self._set(Case, stored, answer_days=7)
            # Not answered: none
            running = self._case(
                customer, 'petition', dt.datetime(2026, 2, 10, 15), False,
                state='analysis')
            self._set(Case, running, answer_date=None)
            Transaction().cache.clear()
            self.assertEqual(
                [c.answer_days for c in Case.browse([c.id for c in [
                            holy_week, same_day, stored, running]])],
                [None, None, 7, None])

            Case.__register__('customer_care')
            Transaction().cache.clear()
            self.assertEqual(
                [c.answer_days for c in Case.browse([c.id for c in [
                            holy_week, same_day, stored, running]])],
                [2, 0, 7, None])

            # In batches of one row, the same
            self._set(Case, holy_week, answer_days=None)
            self._set(Case, same_day, answer_days=None)
            Case._fill_answer_days(batch=1)
            Transaction().cache.clear()
            self.assertEqual(
                [c.answer_days for c in Case.browse([holy_week.id, same_day.id])],
                [2, 0])

    @with_transaction()
    def test_percentile(self):
        """Test the percentile of window functions gives PERCENTILE_CONT's
        values (on the backend of the test)"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case.__table__()
        cursor = Transaction().connection.cursor()
        company, customer = self._setup()
        with set_company(company):
            cases = []
            for days in [7, 1, 3, 3, 12, 0, 5]:
                case_ = self._case(
                    customer, 'petition', dt.datetime(2026, 2, 2), True)
                self._set(Case, case_, answer_days=days)
                cases.append(case_)
            where = case.id.in_([c.id for c in cases])
            # Sorted 0 1 3 3 5 7 12: at 0.9 x 6 = 5.4, 7 + 0.4 x 5 = 9;
            # at 0.5 x 6 = 3, 3; at 0.25 x 6 = 1.5: 1 + 0.5 x 2 = 2
            for percent, expected in [(90, 9.0), (50, 3.0), (25, 2.0),
                    (100, 12.0), (0, 0.0)]:
                cursor.execute(*percentile_query(
                        case, case.answer_days, where, percent))
                value, count = cursor.fetchone()
                self.assertAlmostEqual(float(value), expected)
                self.assertEqual(count, 7)
            cursor.execute(*percentile_query(
                    case, case.answer_days, case.id == -1, 90))
            self.assertEqual(cursor.fetchone(), (None, None))

    def _survey(self, company, customers):
        """Create the campaigns of the hand-counted survey data set

        The questionnaire asks a rating (first), an NPS question and a
        second rating. K1 closed on 15 February (satisfied: first rating of
        4 or more), K2 reported on 20 March (satisfied: NPS of 9 or more),
        K4 still running although it ends on 25 March, K3 closed on
        10 April."""
        pool = Pool()
        Questionnaire = pool.get('customer_care.questionnaire')
        Campaign = pool.get('customer_care.survey.campaign')
        Participant = pool.get('customer_care.survey.participant')
        Answer = pool.get('customer_care.survey.answer')
        questionnaire, = Questionnaire.create([{
                    'name': "Survey",
                    'questions': [('create', [
                                {'text': "Rating", 'type': 'rating',
                                    'sequence': 1},
                                {'text': "NPS", 'type': 'nps',
                                    'sequence': 2},
                                {'text': "Second", 'type': 'rating',
                                    'sequence': 3},
                                ])],
                    }])
        rating, nps, second = questionnaire.questions
        campaigns = {}
        for name, end, state, question, threshold in [
                ('K1', dt.date(2026, 2, 15), 'closed', rating, 4),
                ('K2', dt.date(2026, 3, 20), 'reported', nps, 9),
                ('K3', dt.date(2026, 4, 10), 'closed', rating, 4),
                ('K4', dt.date(2026, 3, 25), 'running', rating, 4),
                ]:
            campaign = Campaign(
                name=name, company=company, questionnaire=questionnaire,
                start_date=dt.date(2026, 1, 5), end_date=end,
                satisfaction_question=question, satisfied_threshold=threshold)
            campaign.save()
            self._set(Campaign, campaign, state=state)
            campaigns[name] = campaign
        answer = Answer.__table__()
        cursor = Transaction().connection.cursor()
        c1, c2, c3, c4 = customers
        for name, customer, state, values in [
                ('K1', c1, 'answered', [5, 10, None]),
                ('K1', c2, 'answered', [3, 6, None]),
                ('K1', c3, 'pending', [None, None, None]),
                ('K2', c1, 'answered', [4, 9, 1]),
                ('K2', c2, 'answered', [5, 10, 1]),
                ('K2', c3, 'answered', [2, 3, 5]),
                ('K2', c4, 'answered', [4, None, 5]),
                ('K4', c1, 'answered', [1, 0, 1]),
                ]:
            participant = Participant(
                campaign=campaigns[name], company=company, party=customer,
                account_manager=customer.account_manager)
            participant.save()
            self._set(Participant, participant, state=state)
            for question, value in zip([rating, nps, second], values):
                if value is not None:
                    cursor.execute(*answer.insert(
                            [answer.participant, answer.question,
                                answer.value, answer.create_uid,
                                answer.create_date],
                            [[participant.id, question.id, value,
                                    Transaction().user,
                                    dt.datetime.now()]]))
        return campaigns

    @with_transaction()
    def test_surveys(self):
        """Test the SC of the survey campaigns closed in the period and the
        NPS and CSAT of the last one"""
        pool = Pool()
        Party = pool.get('party.party')
        Participant = pool.get('customer_care.survey.participant')
        User = pool.get('res.user')
        company, c1 = self._setup()
        manager = User(login='manager', name="Manager")
        manager.save()
        with set_company(company):
            c2, c3, c4 = Party.create([
                    {'name': "C2", 'account_manager': manager.id},
                    {'name': "C3"}, {'name': "C4"}])
            campaigns = self._survey(company, [c1, c2, c3, c4])

            # K1: C1 satisfied (5), C2 not (3), C3 did not answer; K2: C1
            # (9) and C2 (10) satisfied, C3 (3) not, C4 gave no NPS; K4 is
            # running
            sc = self._indicator('survey_satisfied')
            self.assertEqual(sc.compute(*Q1), (50.0, 3, 6))
            self.assertEqual(sc.compute(*Q2), (None, 0, 0))
            action = sc.records_action(*Q1)
            self.assertEqual(len(Participant.search(
                        PYSONDecoder().decode(action['pyson_domain']))), 6)

            # The last campaign closed in Q1 is K2: promoters C1 and C2,
            # detractor C3 of the three NPS answers
            nps = self._indicator(
                'survey_nps', target=20, amber_limit=0, red_limit=-20)
            self.assertEqual(nps.unit, 'points')
            self.assertEqual(nps.compute(*Q1), (33.3, 1, 3))
            # K3 closed in Q2 has no answers
            self.assertEqual(nps.compute(*Q2), (None, 0, 0))
            # The first rating: C1 4, C2 5 and C4 4 of four (the second
            # rating does not count)
            csat = self._indicator('survey_csat')
            self.assertEqual(csat.compute(*Q1), (75.0, 3, 4))
            self.assertEqual(csat.compute(*Q2), (None, 0, 0))
            action = csat.records_action(*Q1)
            self.assertEqual(
                {p.campaign for p in Participant.search(
                        PYSONDecoder().decode(action['pyson_domain']))},
                {campaigns['K2']})
            # A year without campaign
            self.assertEqual(
                csat.compute(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
                (None, 0, 0))

            # C2's account manager: K1 not satisfied, K2 satisfied
            for measure, expected in [
                    ('survey_satisfied', (50.0, 1, 2)),
                    ('survey_nps', (100.0, 1, 1)),
                    ('survey_csat', (100.0, 1, 1)),
                    ]:
                indicator = self._indicator(
                    measure, code=measure + '_m', account_manager=manager)
                self.assertEqual(indicator.compute(*Q1), expected)

            # With a segment too, the participants of the account manager
            # at the draw count, whoever manages the customer now, in the
            # figure as in its list
            Segment = pool.get('customer_care.segment')
            segment, = Segment.create([{
                        'name': "C1 and C2",
                        'parties': [('add', [c1.id, c2.id])]}])
            other_manager = User(login='other_manager', name="Other")
            other_manager.save()
            c2.account_manager = other_manager
            c2.save()
            indicator = self._indicator(
                'survey_satisfied', code='SEG', account_manager=manager,
                segment=segment)
            self.assertEqual(indicator.compute(*Q1), (50.0, 1, 2))
            action = indicator.records_action(*Q1)
            self.assertEqual(len(Participant.search(
                        PYSONDecoder().decode(action['pyson_domain']))), 2)

        # Another company's campaigns are not counted
        other = create_company(name="Other")
        with set_company(other):
            indicator = self._indicator('survey_nps')
            self.assertEqual(indicator.compute(*Q1), (None, 0, 0))

    @with_transaction()
    def test_filters(self):
        """Test a filter the measure's records do not have is refused and
        the definition says which apply"""
        pool = Pool()
        Team = pool.get('customer_care.team')
        company, _ = self._setup()
        with set_company(company):
            team, = Team.create([{'name': "Team"}])
            for n, (measure, values) in enumerate([
                    ('contract_fulfilment', {'kind': 'complaint'}),
                    ('survey_nps', {'team': team}),
                    ('action_open', {'channel': 'phone'}),
                    ('commitment_on_time', {'kind': 'claim'}),
                    ]):
                with self.subTest(measure=measure), \
                        self.assertRaises(IndicatorValidationError) as cm:
                    self._indicator(measure, code='F%s' % n, **values)
                self.assertIn('[F%s]' % n, cm.exception.message)
            indicator = self._indicator('case_on_time', kind='claim')
            self.assertIn('Channel', indicator.definition)
            with self.assertRaises(IndicatorValidationError):
                indicator.measure = 'action_effective'
                indicator.save()
            indicator = self._indicator('contract_fulfilment')
            self.assertIn('whole company', indicator.definition)
            # Every measure has its definition, unit and records action
            for measure, _ in MEASURES:
                indicator = self._indicator(measure, code='D' + measure)
                self.assertTrue(indicator.definition)
                self.assertTrue(indicator.unit)
                self.assertTrue(indicator.records_action(*Q1)['res_model'])

    @with_transaction()
    def test_action_overdue(self):
        "Test the count of the open actions overdue at the end of a period"
        pool = Pool()
        Action = pool.get('customer_care.improvement_action')
        company, _ = self._setup()
        with set_company(company):
            overdue = self._action(dt.date(2026, 1, 10), dt.date(2026, 3, 15))
            # Due on the last day and not done then: overdue
            last_day = self._action(
                dt.date(2026, 1, 10), dt.date(2026, 3, 31), state='approved')
            self._action(dt.date(2026, 2, 1), dt.date(2026, 4, 30))
            # Closed before the end of the quarter
            self._action(
                dt.date(2026, 1, 5), dt.date(2026, 2, 1), state='done',
                closed=dt.date(2026, 3, 20))
            # Closed after it: still open at the end of the quarter
            late = self._action(
                dt.date(2026, 1, 5), dt.date(2026, 3, 1), state='checked',
                closed=dt.date(2026, 4, 10))
            # Opened after the quarter, cancelled
            self._action(dt.date(2026, 4, 5), dt.date(2026, 4, 6))
            self._action(
                dt.date(2026, 1, 5), dt.date(2026, 1, 6), state='cancelled')
            indicator = self._indicator('action_overdue')
            self.assertEqual(indicator.direction, 'lower')
            self.assertEqual(indicator.compute(*Q1), (3, 3, 4))
            action = indicator.records_action(*Q1)
            self.assertEqual(
                set(Action.search(
                        PYSONDecoder().decode(action['pyson_domain']))),
                {overdue, last_day, late})

            # Open at the end of Q1: the three overdue and the one due in
            # April
            open_ = self._indicator('action_open')
            self.assertEqual(open_.direction, 'lower')
            self.assertEqual(open_.compute(*Q1), (4, 4, None))
            action = open_.records_action(*Q1)
            self.assertEqual(len(Action.search(
                        PYSONDecoder().decode(action['pyson_domain']))), 4)

            # Counted in the period of their check, not of their closing:
            # in Q1 effective on 1 January (closed in December) and
            # 10 February, not effective on 31 March; the one closed on
            # 31 March and checked on 1 April counts in Q2 (a snapshot taken
            # on 1 April has it); the one closed on 20 March is not checked
            # yet, the cancelled one is left out
            for closed, checked, effectiveness, state in [
                    (dt.date(2025, 12, 20), dt.date(2026, 1, 1),
                        'effective', 'checked'),
                    (dt.date(2026, 2, 1), dt.date(2026, 2, 10),
                        'effective', 'checked'),
                    (dt.date(2026, 3, 20), dt.date(2026, 3, 31),
                        'not_effective', 'checked'),
                    (dt.date(2026, 3, 20), None, 'effective', 'done'),
                    (dt.date(2026, 3, 31), dt.date(2026, 4, 1),
                        'not_effective', 'checked'),
                    (dt.date(2026, 2, 1), None, 'effective', 'cancelled'),
                    (dt.date(2025, 12, 15), dt.date(2025, 12, 31),
                        'not_effective', 'checked'),
                    ]:
                action = self._action(
                    dt.date(2025, 12, 1), dt.date(2025, 12, 20),
                    state=state, closed=closed)
                self._set(
                    Action, action, effectiveness=effectiveness,
                    checked=checked)
            effective = self._indicator('action_effective')
            self.assertEqual(effective.compute(*Q1), (66.7, 2, 3))
            self.assertEqual(effective.compute(*Q2), (0.0, 0, 1))
            # Across the year end: 31 December and 1 January
            self.assertEqual(effective.compute(
                    dt.date(2025, 12, 1), dt.date(2026, 1, 31)),
                (50.0, 1, 2))
            self.assertEqual(effective.compute(
                    dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
                (None, 0, 0))
            action = effective.records_action(*Q1)
            self.assertEqual(len(Action.search(
                        PYSONDecoder().decode(action['pyson_domain']))), 3)

    @with_transaction()
    def test_snapshots(self):
        """Test the scheduled action stores a closed period once and opens
        one improvement action for a red value"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Cron = pool.get('ir.cron')
        Date = pool.get('ir.date')
        Indicator = pool.get('customer_care.indicator')
        Snapshot = pool.get('customer_care.indicator.snapshot')
        Action = pool.get('customer_care.improvement_action')
        User = pool.get('res.user')
        company, customer = self._setup()
        owner = User(login='indicator_owner', name="Owner")
        owner.save()
        with set_company(company):
            cases = self._records(customer)
            on_time = self._indicator(
                'case_on_time', target=95, amber_limit=90, red_limit=80,
                owner=owner)
            satisfied = self._indicator(
                'check_satisfied', target=60, amber_limit=50, red_limit=40)
            overdue = self._indicator(
                'action_overdue', target=0, amber_limit=0, red_limit=2)

            snapshots = Indicator.take_snapshots(date=dt.date(2026, 4, 2))
            self.assertEqual(len(snapshots), 3)
            by_indicator = {s.indicator: s for s in snapshots}
            snapshot = by_indicator[on_time]
            self.assertEqual(
                (snapshot.period_start, snapshot.period_end), Q1)
            self.assertEqual(
                (snapshot.value, snapshot.numerator, snapshot.denominator,
                    snapshot.target, snapshot.colour),
                (66.7, 2, 3, 95, 'red'))
            # 50 % is not below the amber limit of 50 %
            self.assertEqual(by_indicator[satisfied].colour, 'green')
            # No action open: 0 is not above the amber limit 0
            self.assertEqual(
                (by_indicator[overdue].value, by_indicator[overdue].colour),
                (0, 'green'))

            action, = Action.search([])
            self.assertEqual(action.origin, snapshot)
            self.assertEqual(action.state, 'draft')
            self.assertEqual(action.kind, 'corrective')
            self.assertEqual(action.responsible, owner)
            self.assertEqual(action.company, company)
            self.assertIn('[case_on_time]', action.title)

            # Re-running for the period, even after an old case changed,
            # changes nothing and opens no other action
            self._set(Case, cases['C'], on_time=True)
            self.assertEqual(
                Indicator.take_snapshots(date=dt.date(2026, 5, 20)), [])
            on_time.target = 70
            on_time.amber_limit = 65
            on_time.red_limit = 60
            on_time.save()
            self.assertEqual(Indicator.snapshot([(on_time, *Q1)]), [])
            snapshot, = Snapshot.search([('indicator', '=', on_time.id)])
            self.assertEqual(
                (snapshot.value, snapshot.target, snapshot.colour),
                (66.7, 95, 'red'))
            self.assertEqual(Action.search_count([]), 1)
            # Twice the same period in one call is stored once
            self.assertEqual(len(Indicator.snapshot(
                        [(satisfied, *Q2), (satisfied, *Q2)])), 1)

        # The scheduled action for its companies: today's last closed
        # period, once
        cron, = Cron.search([
                ('method', '=', 'customer_care.indicator|take_snapshots'),
                ])
        cron.companies = [company]
        cron.save()
        with set_company(company):
            start, _ = last_closed_period(Date.today(), 'quarterly')
        Cron.run_once([cron])
        count = Snapshot.search_count([])
        self.assertEqual(
            Snapshot.search_count([('period_start', '=', start)]), 3)
        Cron.run_once([cron])
        self.assertEqual(Snapshot.search_count([]), count)

        # A second snapshot of the period is refused by the database (the
        # error ends the transaction's work: last)
        with self.assertRaises(SQLConstraintError):
            Snapshot.create([{
                        'indicator': on_time.id,
                        'company': company.id,
                        'period_start': Q1[0],
                        'period_end': Q1[1],
                        'taken': dt.datetime(2026, 4, 2),
                        }])

    @with_transaction()
    def test_ranges(self):
        "Test the ranges must follow the direction and the unit"
        company, _ = self._setup()
        with set_company(company):
            for n, (measure, values) in enumerate([
                    ('case_on_time', {'red_limit': 90, 'amber_limit': 80}),
                    ('case_on_time', {'amber_limit': 95, 'target': 90}),
                    ('case_on_time', {'target': 120}),
                    ('action_overdue', {'red_limit': 1, 'amber_limit': 3}),
                    ('action_overdue', {'target': -1}),
                    ]):
                with self.subTest(measure=measure, values=values), \
                        self.assertRaises(IndicatorValidationError) as cm:
                    self._indicator(measure, code='E%s' % n, **values)
                # The error names the indicator
                self.assertIn('[E%s]' % n, cm.exception.message)
            indicator = self._indicator(
                'case_on_time', red_limit=80, amber_limit=90, target=95)
            self.assertEqual(
                [indicator.get_colour(v) for v in [79.9, 80, 89.9, 96, None]],
                ['red', 'amber', 'amber', 'green', 'no_data'])
            lower = self._indicator(
                'action_overdue', red_limit=5, amber_limit=2, target=0)
            self.assertEqual(
                [lower.get_colour(v) for v in [6, 5, 3, 2, 0]],
                ['red', 'amber', 'amber', 'green', 'green'])
            self.assertIn('deadline', indicator.definition)
        # The code is unique per company
        other = create_company(name="Other")
        with set_company(other):
            self._indicator('case_on_time')
        with set_company(company), \
                self.assertRaises(SQLConstraintError):
            self._indicator('case_on_time')

    @with_transaction()
    def test_access(self):
        """Test the module's users read the indicators and snapshots, the
        administration configures the indicators, nobody edits snapshots"""
        pool = Pool()
        Indicator = pool.get('customer_care.indicator')
        Snapshot = pool.get('customer_care.indicator.snapshot')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        company, customer = self._setup()
        group = ModelData.get_id('customer_care', 'group_customer_care')
        admin_group = ModelData.get_id(
            'customer_care', 'group_customer_care_admin')
        agent, coordinator, outsider = User.create([{
                    'login': 'agent', 'name': "Agent",
                    'groups': [('add', [group])],
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    }, {
                    'login': 'coordinator', 'name': "Coordinator",
                    'groups': [('add', [admin_group])],
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    }, {
                    'login': 'outsider', 'name': "Outsider",
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    }])
        with set_company(company):
            self._records(customer)
            indicator = self._indicator('case_on_time')
            snapshot, = Indicator.snapshot([(indicator, *Q1)])

        with Transaction().set_user(agent.id), \
                set_company(company), check_access():
            self.assertEqual(Indicator.search([]), [indicator])
            self.assertEqual(Snapshot.search([]), [snapshot])
            with self.assertRaises(AccessError):
                Indicator.write([indicator], {'target': 50})
            with self.assertRaises(AccessError):
                Snapshot.write([snapshot], {'value': 100})
            action = Snapshot.open_records([snapshot])
            self.assertEqual(action['res_model'], 'customer_care.case')
        with Transaction().set_user(coordinator.id), \
                set_company(company), check_access():
            Indicator.write([indicator], {'target': 50})
            Indicator.create([{
                        'code': 'SC', 'name': "SC",
                        'measure': 'check_satisfied',
                        'direction': 'higher', 'periodicity': 'quarterly',
                        }])
            with self.assertRaises(AccessError):
                Snapshot.delete([snapshot])
        with Transaction().set_user(outsider.id), \
                set_company(company), check_access():
            with self.assertRaises(AccessError):
                Indicator.search([])

    @with_transaction()
    def test_access_account_manager(self):
        """Test an account manager reads only the indicators restricted to
        them (and their snapshots) in their company; coordinators and
        management read every indicator of their company"""
        pool = Pool()
        Indicator = pool.get('customer_care.indicator')
        Snapshot = pool.get('customer_care.indicator.snapshot')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        company, customer = self._setup()
        other = create_company(name="Other")
        manager_group = ModelData.get_id(
            'customer_care', 'group_account_manager')
        group = ModelData.get_id('customer_care', 'group_customer_care')
        admin_group = ModelData.get_id(
            'customer_care', 'group_customer_care_admin')
        manager, colleague, coordinator = User.create([{
                    'login': 'manager', 'name': "Manager",
                    'groups': [('add', [manager_group])],
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    }, {
                    'login': 'colleague', 'name': "Colleague",
                    'groups': [('add', [manager_group])],
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    }, {
                    'login': 'coordinator', 'name': "Coordinator",
                    'groups': [('add', [group, admin_group])],
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    }])
        with set_company(company):
            self._records(customer)
            whole = self._indicator('case_on_time')
            own = self._indicator(
                'case_on_time', code='OWN', account_manager=manager)
            theirs = self._indicator(
                'case_on_time', code='THEIRS', account_manager=colleague)
            snapshots = Indicator.snapshot(
                [(i, *Q1) for i in [whole, own, theirs]])
            own_snapshot, = [s for s in snapshots if s.indicator == own]
        with set_company(other):
            self._indicator(
                'case_on_time', code='ELSEWHERE', account_manager=manager)

        with Transaction().set_user(manager.id), \
                set_company(company), check_access():
            self.assertEqual(Indicator.search([]), [own])
            self.assertEqual(Snapshot.search([]), [own_snapshot])
            with self.assertRaises(AccessError):
                Indicator.write([own], {'target': 50})
            with self.assertRaises(AccessError):
                Indicator.read([theirs.id], ['name'])
        with Transaction().set_user(coordinator.id), \
                set_company(company), check_access():
            self.assertEqual(
                set(Indicator.search([])), {whole, own, theirs})
            self.assertEqual(Snapshot.search_count([]), 3)
