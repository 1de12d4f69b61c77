# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Indicators with a target, ranges and a periodicity, and their snapshots.

An indicator of a company computes one of the built-in measures over a
period (a month, a quarter or a year, bounded in the company's time zone).
A scheduled action stores the value of each closed period once as a
snapshot, with its colour against the target and ranges of that time; a red
snapshot opens a draft improvement action for the indicator's owner
(PSC-004: out-of-range results require analysis and an improvement plan).

Each measure is computed by one set-based query returning (value,
numerator, denominator); the value is None when the period has no data (a
count is 0 then). The filters of an indicator (service, team, segment,
account manager, kind, channel, quality attribute, regulator
classification) go into that query's WHERE, where the measure's records
have the dimension (MEASURE_FILTERS); an indicator restricted to an account
manager is read by that account manager.
"""
import datetime as dt

from sql import Expression, Flavor, Literal, Null, Window
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case as SQLCase
from sql.conditionals import Coalesce
from sql.functions import RowNumber
from sql.operators import Exists

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Date as PYSONDate
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.transaction import Transaction

from .calendar import utc_bounds
from .case import CHANNELS, KINDS
from .exceptions import IndicatorValidationError
from .ir import context_company
from .sla import sla_case_query
from .survey_tabulation import CSAT_POSITIVE, NPS_DETRACTOR, NPS_PROMOTER

MEASURES = [
    ('case_count', "Cases Received (Count)"),
    ('case_on_time', "Cases Answered on Time (%)"),
    ('answer_days_mean', "Mean Business Days to Answer"),
    ('answer_days_p90', "90th Percentile of Business Days to Answer"),
    ('complaint_verified', "Complaints and Claims Verified (%)"),
    ('check_satisfied', "Satisfaction Checks Satisfied (SC %)"),
    ('survey_satisfied', "Survey Customers Satisfied (SC %)"),
    ('survey_nps', "NPS of the Last Survey Campaign"),
    ('survey_csat', "CSAT of the Last Survey Campaign (%)"),
    ('contract_fulfilment', "Contracts Fulfilled on Time and in Form (CCT %)"),
    ('sla_met', "SLA Targets Met (%)"),
    ('commitment_on_time', "Service Review Commitments Met on Time (%)"),
    ('action_open', "Open Improvement Actions (Count)"),
    ('action_overdue', "Open Improvement Actions Overdue (Count)"),
    ('action_effective', "Closed Improvement Actions Effective (%)"),
    ('requirement_met', "Customer Requirements Met on Time (%)"),
    ]
# The unit and the direction of each measure
UNITS = {
    'case_count': 'count',
    'case_on_time': 'percent',
    'answer_days_mean': 'days',
    'answer_days_p90': 'days',
    'complaint_verified': 'percent',
    'check_satisfied': 'percent',
    'survey_satisfied': 'percent',
    'survey_nps': 'points',
    'survey_csat': 'percent',
    'contract_fulfilment': 'percent',
    'sla_met': 'percent',
    'commitment_on_time': 'percent',
    'action_open': 'count',
    'action_overdue': 'count',
    'action_effective': 'percent',
    'requirement_met': 'percent',
    }
DIRECTIONS = {
    'answer_days_mean': 'lower',
    'answer_days_p90': 'lower',
    'action_open': 'lower',
    'action_overdue': 'lower',
    'requirement_met': 'higher',
    }
# The filters that apply to each measure: the dimensions of its records
FILTERS = ['service', 'team', 'segment', 'account_manager', 'kind', 'channel',
    'quality_attribute', 'regulator_classification']
CASE_FILTERS = set(FILTERS)
# The filters on a relation of the case
CASE_RELATIONS = [
    'service', 'team', 'quality_attribute', 'regulator_classification']
MEASURE_FILTERS = {
    'case_count': CASE_FILTERS,
    'case_on_time': CASE_FILTERS,
    'answer_days_mean': CASE_FILTERS,
    'answer_days_p90': CASE_FILTERS,
    'complaint_verified': CASE_FILTERS,
    'check_satisfied': CASE_FILTERS,
    'survey_satisfied': {'segment', 'account_manager'},
    'survey_nps': {'segment', 'account_manager'},
    'survey_csat': {'segment', 'account_manager'},
    'contract_fulfilment': set(),
    'sla_met': CASE_FILTERS,
    'commitment_on_time': {'segment', 'account_manager'},
    'action_open': {'segment'},
    'action_overdue': {'segment'},
    'action_effective': {'segment'},
    }


def _filter_states(name):
    "Return the states of the filter field: shown where it applies"
    return {
        'invisible': ~Eval('measure').in_(
            [m for m, _ in MEASURES if name in MEASURE_FILTERS.get(m, ())]),
        }


# The percentile of the business days to answer
PERCENTILE = 90
PERIODICITIES = [
    ('monthly', "Monthly"),
    ('quarterly', "Quarterly"),
    ('yearly', "Yearly"),
    ]
COLOURS = [
    (None, ""),
    ('green', "Green"),
    ('amber', "Amber"),
    ('red', "Red"),
    ('no_data', "No Data"),
    ]
# The results of a check that reached the customer
REACHED_RESULTS = ['satisfied', 'not_satisfied']
# The states of a survey campaign once closed
CLOSED_CAMPAIGN_STATES = ['closed', 'reported']


def period_start(date, periodicity):
    "Return the first day of the period of the periodicity containing date"
    if periodicity == 'monthly':
        return date.replace(day=1)
    elif periodicity == 'quarterly':
        return date.replace(month=(date.month - 1) // 3 * 3 + 1, day=1)
    return date.replace(month=1, day=1)


def period_end(start, periodicity):
    "Return the last day of the period of the periodicity starting at start"
    months = {'monthly': 1, 'quarterly': 3, 'yearly': 12}[periodicity]
    month = start.month - 1 + months
    following = start.replace(
        year=start.year + month // 12, month=month % 12 + 1, day=1)
    return following - dt.timedelta(days=1)


def last_closed_period(today, periodicity):
    "Return the (first day, last day) of the last period ended before today"
    end = period_start(today, periodicity) - dt.timedelta(days=1)
    start = period_start(end, periodicity)
    return start, end


class PercentileCont(Expression):
    "The continuous percentile aggregate of PostgreSQL"
    __slots__ = ('fraction', 'expression')

    def __init__(self, fraction, expression):
        self.fraction = fraction
        self.expression = expression

    def __str__(self):
        return 'PERCENTILE_CONT(%s) WITHIN GROUP (ORDER BY %s)' % (
            Flavor.get().param, self.expression)

    @property
    def params(self):
        return (self.fraction,) + tuple(self.expression.params)


def percentile_query(table, column, where, percent):
    """Return the query of the continuous percentile (as PERCENTILE_CONT) of
    the column of the table's rows matching where and of the number of
    those rows, with window functions that SQLite has too"""
    ranked = table.select(
        column.as_('value'),
        RowNumber(window=Window([], order_by=[column.asc])).as_('rank'),
        Count(Literal(1), window=Window([])).as_('count'),
        where=where & (column != Null))
    # The value at (count - 1) * percent / 100 counted from 0, interpolated
    # between the ranks around it (integer division on both backends)
    position = (ranked.count - 1) * percent
    lower = position / 100 + 1
    fraction = (position % 100) / Literal(100.0)
    return ranked.select(
        Sum(SQLCase(
                (ranked.rank == lower,
                    ranked.value * (Literal(1.0) - fraction)),
                (ranked.rank == lower + 1, ranked.value * fraction),
                else_=Literal(0.0))),
        Max(ranked.count))


def ratio(numerator, denominator):
    "Return the percentage or None when there is nothing to measure"
    numerator, denominator = int(numerator or 0), int(denominator or 0)
    if not denominator:
        return None, numerator, denominator
    return (round(100.0 * numerator / denominator, 1),
        numerator, denominator)


class Indicator(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'customer_care.indicator'
    __string__ = "Indicator"

    company = fields.Many2One('company.company', "Company", required=True)
    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    measure = fields.Selection(
        MEASURES, "Measure", required=True, sort=False,
        help="The built-in figure the indicator computes.")
    measure_string = measure.translated('measure')
    definition = fields.Function(
        fields.Text("Definition"), 'on_change_with_definition')
    unit = fields.Function(fields.Selection([
                (None, ""),
                ('percent', "%"),
                ('count', "Count"),
                ('days', "Business Days"),
                ('points', "Points"),
                ], "Unit"), 'on_change_with_unit')
    direction = fields.Selection([
            ('higher', "Higher Is Better"),
            ('lower', "Lower Is Better"),
            ], "Direction", required=True, sort=False)
    target = fields.Float(
        "Target", digits=(16, 1),
        help="The value to reach, in the unit of the indicator.")
    amber_limit = fields.Float(
        "Amber Limit", digits=(16, 1),
        help="A value below it (above it when lower is better) is amber.")
    red_limit = fields.Float(
        "Red Limit", digits=(16, 1),
        help="A value below it (above it when lower is better) is red and "
        "opens an improvement action.")
    periodicity = fields.Selection(
        PERIODICITIES, "Periodicity", required=True, sort=False)
    owner = fields.Many2One(
        'res.user', "Owner",
        help="The user who analyses the out-of-range values: the "
        "improvement actions they open are assigned to them.")
    service = fields.Many2One(
        'product.product', "Service",
        domain=[
            ('type', '=', 'service'),
            ],
        context={
            'company': Eval('company', -1),
            },
        states=_filter_states('service'), depends={'company'},
        help="Measure only the records of this service.")
    team = fields.Many2One(
        'customer_care.team', "Team",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states=_filter_states('team'),
        help="Measure only the cases of this team.")
    segment = fields.Many2One(
        'customer_care.segment', "Segment",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states=_filter_states('segment'),
        help="Measure only the records of the customers of this segment.")
    account_manager = fields.Many2One(
        'res.user', "Account Manager",
        states=_filter_states('account_manager'),
        help="Measure only the records of this account manager's "
        "customers; the account manager reads the indicator.")
    kind = fields.Selection(
        [(None, "")] + KINDS, "Kind", sort=False,
        states=_filter_states('kind'),
        help="Measure only the cases of this kind.")
    kind_string = kind.translated('kind')
    channel = fields.Selection(
        [(None, "")] + CHANNELS, "Channel", sort=False,
        states=_filter_states('channel'),
        help="Measure only the cases received through this channel.")
    channel_string = channel.translated('channel')
    quality_attribute = fields.Many2One(
        'customer_care.quality_attribute', "Quality Attribute",
        states=_filter_states('quality_attribute'),
        help="Measure only the cases of this quality attribute.")
    regulator_classification = fields.Many2One(
        'customer_care.regulator_classification', "Regulator Classification",
        states=_filter_states('regulator_classification'),
        help="Measure only the cases of this regulator classification.")
    snapshots = fields.One2Many(
        'customer_care.indicator.snapshot', 'indicator', "Snapshots",
        readonly=True, order=[('period_start', 'DESC')])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.company, t.code),
                'customer_care.msg_indicator_code_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'take_snapshot': {
                    'icon': 'tryton-launch',
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_periodicity(cls):
        return 'quarterly'

    @classmethod
    def default_direction(cls):
        return 'higher'

    @classmethod
    def default_measure(cls):
        return 'case_on_time'

    @fields.depends('measure')
    def on_change_measure(self):
        if self.measure:
            self.direction = DIRECTIONS.get(self.measure, 'higher')

    @fields.depends('measure')
    def on_change_with_definition(self, name=None):
        if self.measure:
            definition = gettext(
                'customer_care.msg_indicator_definition_%s' % self.measure)
            filters = [n for n in FILTERS
                if n in MEASURE_FILTERS.get(self.measure, set())]
            if filters:
                strings = self.fields_get(filters)
                filters = ', '.join(strings[n]['string'] for n in filters)
                return definition + '\n' + gettext(
                    'customer_care.msg_indicator_filters', filters=filters)
            return definition + '\n' + gettext(
                'customer_care.msg_indicator_no_filters')

    @fields.depends('measure')
    def on_change_with_unit(self, name=None):
        return UNITS.get(self.measure)

    def get_rec_name(self, name):
        return '[%s] %s' % (self.code, self.name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, indicators, field_names):
        super().validate_fields(indicators, field_names)
        cls.check_ranges(indicators, field_names)
        cls.check_filters(indicators, field_names)

    @classmethod
    def check_filters(cls, indicators, field_names=None):
        "Check each filter set applies to the measure of the indicator"
        if field_names and not (field_names & ({'measure'} | set(FILTERS))):
            return
        for indicator in indicators:
            applicable = MEASURE_FILTERS.get(indicator.measure, set())
            for name in FILTERS:
                if getattr(indicator, name) and name not in applicable:
                    raise IndicatorValidationError(gettext(
                            'customer_care'
                            '.msg_indicator_filter_not_applicable',
                            indicator=indicator.rec_name,
                            filter=cls.fields_get([name])[name]['string'],
                            measure=indicator.measure_string))

    @classmethod
    def check_ranges(cls, indicators, field_names=None):
        """Check the red limit, the amber limit and the target follow the
        direction, and a percentage lies between 0 and 100"""
        if field_names and not (field_names & {
                    'measure', 'direction', 'target', 'amber_limit',
                    'red_limit'}):
            return
        for indicator in indicators:
            values = [v for v in [
                    indicator.red_limit, indicator.amber_limit,
                    indicator.target] if v is not None]
            if indicator.direction == 'lower':
                values.reverse()
            if values != sorted(values):
                raise IndicatorValidationError(gettext(
                        'customer_care.msg_indicator_ranges_%s'
                        % indicator.direction,
                        indicator=indicator.rec_name))
            if indicator.unit == 'points' and any(
                    not -100 <= v <= 100 for v in values):
                raise IndicatorValidationError(gettext(
                        'customer_care.msg_indicator_ranges_points',
                        indicator=indicator.rec_name))
            if indicator.unit == 'percent' and any(
                    not 0 <= v <= 100 for v in values):
                raise IndicatorValidationError(gettext(
                        'customer_care.msg_indicator_ranges_percent',
                        indicator=indicator.rec_name))
            if indicator.unit in {'count', 'days'} and any(
                    v < 0 for v in values):
                raise IndicatorValidationError(gettext(
                        'customer_care.msg_indicator_ranges_%s'
                        % indicator.unit,
                        indicator=indicator.rec_name))

    def get_colour(self, value):
        "Return the colour of the value against the target and ranges"
        if value is None:
            return 'no_data'
        if self.direction == 'lower':
            def beyond(limit):
                return value > limit
        else:
            def beyond(limit):
                return value < limit
        if self.red_limit is not None and beyond(self.red_limit):
            return 'red'
        if self.amber_limit is not None and beyond(self.amber_limit):
            return 'amber'
        return 'green'

    def compute(self, start, end):
        """Return (value, numerator, denominator) of the indicator for the
        days start to end (in the company's time zone)"""
        return getattr(self, '_compute_%s' % self.measure)(start, end)

    def records_action(self, start, end):
        "Return the action showing the records behind the figure of a period"
        return getattr(self, '_records_%s' % self.measure)(start, end)

    @classmethod
    def _action(cls, xml_id, name, domain=None, context=None):
        pool = Pool()
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        encoder = PYSONEncoder()
        action, = Action.get_action_values('ir.action.act_window', [
                ModelData.get_id('customer_care', xml_id)])
        action['name'] = name
        if domain is not None:
            action['pyson_domain'] = encoder.encode(domain)
            # The tabs of the menu would filter the records further
            action['domains'] = []
        if context is not None:
            action['pyson_context'] = encoder.encode(context)
        return action

    # The filters

    def _customers_where(self, column):
        """Return the SQL condition on the column of customers (parties) of
        the segment and account manager filters"""
        pool = Pool()
        Party = pool.get('party.party')
        where = Literal(True)
        if self.segment:
            where &= column.in_(self.segment.customers_query())
        if self.account_manager:
            party = Party.__table__()
            where &= column.in_(party.select(
                    party.id,
                    where=party.account_manager == self.account_manager.id))
        return where

    def _customers_domain(self, name):
        "Return the domain on the field of customers of the filters"
        domain = []
        if self.segment:
            domain.append((name, 'in', [c.id for c in self.segment.customers]))
        if self.account_manager:
            domain.append(
                ('%s.account_manager' % name, '=', self.account_manager.id))
        return domain

    def _case_where(self, case):
        "Return the SQL condition of the company and filters on the cases"
        where = ((case.company == self.company.id)
            & (case.state != 'cancelled'))
        for name in CASE_RELATIONS:
            if getattr(self, name):
                where &= getattr(case, name) == getattr(self, name).id
        for name in ['kind', 'channel']:
            if getattr(self, name):
                where &= getattr(case, name) == getattr(self, name)
        return where & self._customers_where(case.customer)

    def _case_domain(self, prefix=''):
        "Return the domain of the company and filters on the cases"
        domain = [
            (prefix + 'company', '=', self.company.id),
            (prefix + 'state', '!=', 'cancelled'),
            ]
        for name in CASE_RELATIONS:
            if getattr(self, name):
                domain.append((prefix + name, '=', getattr(self, name).id))
        for name in ['kind', 'channel']:
            if getattr(self, name):
                domain.append((prefix + name, '=', getattr(self, name)))
        return domain + self._customers_domain(prefix + 'customer')

    def _answered_where(self, case, start, end):
        "Return the SQL condition of the cases answered in the period"
        from_, to = utc_bounds(self.company, start, end)
        return (self._case_where(case)
            & (case.answer_date >= from_) & (case.answer_date < to))

    def _domain_case_answered(self, start, end):
        from_, to = utc_bounds(self.company, start, end)
        return self._case_domain() + [
            ('answer_date', '>=', from_),
            ('answer_date', '<', to),
            ]

    # Cases received

    def _compute_case_count(self, start, end):
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case.__table__()
        cursor = Transaction().connection.cursor()
        from_, to = utc_bounds(self.company, start, end)
        cursor.execute(*case.select(
                Count(Literal(1)),
                where=self._case_where(case)
                & (case.received >= from_) & (case.received < to)))
        count, = cursor.fetchone()
        return int(count), int(count), None

    def _records_case_count(self, start, end):
        from_, to = utc_bounds(self.company, start, end)
        return self._action(
            'act_case_form',
            gettext('customer_care.msg_indicator_records_case_count'),
            domain=self._case_domain() + [
                ('received', '>=', from_),
                ('received', '<', to),
                ])

    # Cases answered on time

    def _compute_case_on_time(self, start, end):
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*case.select(
                Coalesce(Sum(SQLCase(
                            (case.on_time == Literal(True), Literal(1)),
                            else_=Literal(0))), 0),
                Count(),
                where=self._answered_where(case, start, end)))
        return ratio(*cursor.fetchone())

    def _records_case_on_time(self, start, end):
        return self._action(
            'act_case_form',
            gettext('customer_care.msg_indicator_records_case_on_time'),
            domain=self._domain_case_answered(start, end))

    # Business days to answer

    def _compute_answer_days_mean(self, start, end):
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*case.select(
                Sum(case.answer_days),
                Count(case.answer_days),
                where=self._answered_where(case, start, end)))
        total, count = cursor.fetchone()
        total, count = int(total or 0), int(count or 0)
        if not count:
            return None, total, count
        return round(total / count, 1), total, count

    def _records_answer_days_mean(self, start, end):
        return self._action(
            'act_case_form',
            gettext('customer_care.msg_indicator_records_answer_days'),
            domain=self._domain_case_answered(start, end) + [
                ('answer_days', '!=', None),
                ])

    def _compute_answer_days_p90(self, start, end):
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case.__table__()
        cursor = Transaction().connection.cursor()
        where = (self._answered_where(case, start, end)
            & (case.answer_days != Null))
        if backend.name == 'postgresql':
            query = case.select(
                PercentileCont(PERCENTILE / 100, case.answer_days),
                Count(Literal(1)),
                where=where)
        else:
            query = percentile_query(case, case.answer_days, where, PERCENTILE)
        cursor.execute(*query)
        value, count = cursor.fetchone()
        count = int(count or 0)
        if not count:
            return None, None, count
        return round(float(value), 1), None, count

    _records_answer_days_p90 = _records_answer_days_mean

    # Complaints and claims verified

    def _compute_complaint_verified(self, start, end):
        pool = Pool()
        Case = pool.get('customer_care.case')
        Check = pool.get('customer_care.satisfaction.check')
        case = Case.__table__()
        check = Check.__table__()
        cursor = Transaction().connection.cursor()
        verified = Exists(check.select(
                Literal(1),
                where=(check.case == case.id)
                & (check.state == 'done')
                & check.result.in_(REACHED_RESULTS)))
        cursor.execute(*case.select(
                Coalesce(Sum(SQLCase(
                            (verified, Literal(1)), else_=Literal(0))), 0),
                Count(),
                where=self._answered_where(case, start, end)
                & case.kind.in_(['complaint', 'claim'])))
        return ratio(*cursor.fetchone())

    def _records_complaint_verified(self, start, end):
        return self._action(
            'act_case_form',
            gettext(
                'customer_care.msg_indicator_records_complaint_verified'),
            domain=self._domain_case_answered(start, end) + [
                ('kind', 'in', ['complaint', 'claim']),
                ])

    # Satisfaction checks satisfied (SC)

    def _compute_check_satisfied(self, start, end):
        pool = Pool()
        Case = pool.get('customer_care.case')
        Check = pool.get('customer_care.satisfaction.check')
        case = Case.__table__()
        check = Check.__table__()
        cursor = Transaction().connection.cursor()
        from_, to = utc_bounds(self.company, start, end)
        cursor.execute(*check.join(
                case, condition=check.case == case.id).select(
                Coalesce(Sum(SQLCase(
                            (check.result == 'satisfied', Literal(1)),
                            else_=Literal(0))), 0),
                Count(),
                where=(check.company == self.company.id)
                & (check.state == 'done')
                & check.result.in_(REACHED_RESULTS)
                & (check.done_date >= from_) & (check.done_date < to)
                & self._case_where(case)))
        return ratio(*cursor.fetchone())

    def _records_check_satisfied(self, start, end):
        from_, to = utc_bounds(self.company, start, end)
        return self._action(
            'act_satisfaction_check_form',
            gettext('customer_care.msg_indicator_records_check_satisfied'),
            domain=[
                ('company', '=', self.company.id),
                ('state', '=', 'done'),
                ('result', 'in', REACHED_RESULTS),
                ('done_date', '>=', from_),
                ('done_date', '<', to),
                ] + self._case_domain('case.'))

    # Survey campaigns

    def _campaign_where(self, campaign, start, end):
        "Return the SQL condition of the campaigns closed in the period"
        return ((campaign.company == self.company.id)
            & campaign.state.in_(CLOSED_CAMPAIGN_STATES)
            & (campaign.end_date >= start) & (campaign.end_date <= end))

    def _participant_where(self, participant):
        where = participant.state == 'answered'
        # the account manager filter is the participant's (at the draw),
        # not the customer's of today
        if self.segment:
            where &= participant.party.in_(self.segment.customers_query())
        if self.account_manager:
            where &= (
                participant.account_manager == self.account_manager.id)
        return where

    def _participant_domain(self):
        domain = [('state', '=', 'answered')]
        if self.segment:
            domain.append(
                ('party', 'in', [c.id for c in self.segment.customers]))
        if self.account_manager:
            domain.append(
                ('account_manager', '=', self.account_manager.id))
        return domain

    def _compute_survey_satisfied(self, start, end):
        pool = Pool()
        Campaign = pool.get('customer_care.survey.campaign')
        Participant = pool.get('customer_care.survey.participant')
        Answer = pool.get('customer_care.survey.answer')
        campaign = Campaign.__table__()
        participant = Participant.__table__()
        answer = Answer.__table__()
        cursor = Transaction().connection.cursor()
        satisfied = Exists(answer.select(
                Literal(1),
                where=(answer.participant == participant.id)
                & (answer.question == campaign.satisfaction_question)
                & (answer.value >= campaign.satisfied_threshold)))
        cursor.execute(*participant.join(
                campaign, condition=participant.campaign == campaign.id
                ).select(
                Coalesce(Sum(SQLCase(
                            (satisfied, Literal(1)), else_=Literal(0))), 0),
                Count(Literal(1)),
                where=self._campaign_where(campaign, start, end)
                & (campaign.satisfaction_question != Null)
                & (campaign.satisfied_threshold != Null)
                & self._participant_where(participant)))
        return ratio(*cursor.fetchone())

    def _records_survey_satisfied(self, start, end):
        return self._action(
            'act_survey_participant_form',
            gettext('customer_care.msg_indicator_records_survey_satisfied'),
            domain=[
                ('campaign.company', '=', self.company.id),
                ('campaign.state', 'in', CLOSED_CAMPAIGN_STATES),
                ('campaign.end_date', '>=', start),
                ('campaign.end_date', '<=', end),
                ('campaign.satisfaction_question', '!=', None),
                ('campaign.satisfied_threshold', '!=', None),
                ] + self._participant_domain())

    def _last_campaign_query(self, start, end):
        "Return the query of the id of the last campaign closed in the period"
        pool = Pool()
        Campaign = pool.get('customer_care.survey.campaign')
        campaign = Campaign.__table__()
        return campaign.select(
            campaign.id,
            where=self._campaign_where(campaign, start, end),
            order_by=[campaign.end_date.desc, campaign.id.desc],
            limit=1)

    def _survey_score(self, start, end, type_):
        """Return the (answers, positive, negative) of the first question
        of the type of the last campaign closed in the period, or None"""
        pool = Pool()
        Campaign = pool.get('customer_care.survey.campaign')
        Participant = pool.get('customer_care.survey.participant')
        Answer = pool.get('customer_care.survey.answer')
        Question = pool.get('customer_care.questionnaire.question')
        campaign = Campaign.__table__()
        participant = Participant.__table__()
        answer = Answer.__table__()
        question = Question.__table__()
        cursor = Transaction().connection.cursor()
        # The first question of the type in the questionnaire's order
        # (sequence_ordered: empty sequences first)
        first = question.select(
            question.id,
            where=(question.questionnaire == campaign.questionnaire)
            & (question.type == type_),
            order_by=[
                SQLCase((question.sequence == Null, Literal(0)),
                    else_=Literal(1)),
                question.sequence.asc, question.id.asc],
            limit=1)
        if type_ == 'nps':
            positive = answer.value >= NPS_PROMOTER
        else:
            positive = answer.value >= CSAT_POSITIVE
        cursor.execute(*campaign
            .join(participant,
                condition=participant.campaign == campaign.id)
            .join(answer, condition=(answer.participant == participant.id)
                & (answer.value != Null))
            .select(
                Count(Literal(1)),
                Coalesce(Sum(SQLCase(
                            (positive, Literal(1)), else_=Literal(0))), 0),
                Coalesce(Sum(SQLCase(
                            (answer.value <= NPS_DETRACTOR, Literal(1)),
                            else_=Literal(0))), 0),
                where=campaign.id.in_(self._last_campaign_query(start, end))
                & (answer.question == first)
                & self._participant_where(participant)))
        count, positive, negative = cursor.fetchone()
        return int(count or 0), int(positive or 0), int(negative or 0)

    def _compute_survey_nps(self, start, end):
        count, promoters, detractors = self._survey_score(start, end, 'nps')
        if not count:
            return None, 0, 0
        return (round(100.0 * (promoters - detractors) / count, 1),
            promoters - detractors, count)

    def _compute_survey_csat(self, start, end):
        count, positive, _ = self._survey_score(start, end, 'rating')
        return ratio(positive, count)

    def _records_survey_nps(self, start, end):
        cursor = Transaction().connection.cursor()
        cursor.execute(*self._last_campaign_query(start, end))
        row = cursor.fetchone()
        return self._action(
            'act_survey_participant_form',
            gettext('customer_care.msg_indicator_records_survey_last'),
            domain=[
                ('campaign', '=', row[0] if row else -1),
                ] + self._participant_domain())

    _records_survey_csat = _records_survey_nps

    # Contract fulfilment (CCT)

    def _compute_contract_fulfilment(self, start, end):
        pool = Pool()
        Fulfilment = pool.get('customer_care.contract.fulfilment')
        fulfilled, total, _, _ = Fulfilment.get_cct_counts(
            self.company.id, start, end)
        return ratio(fulfilled, total)

    def _records_contract_fulfilment(self, start, end):
        return self._action(
            'act_contract_fulfilment_form',
            gettext(
                'customer_care.msg_indicator_records_contract_fulfilment'),
            context={
                'company': self.company.id,
                'from_date': PYSONDate(start.year, start.month, start.day),
                'to_date': PYSONDate(end.year, end.month, end.day),
                })

    # SLA targets met

    def _compute_sla_met(self, start, end):
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case.__table__()
        cursor = Transaction().connection.cursor()
        query = sla_case_query(
            start, end, company=self.company.id, where=self._case_where(case),
            table=case)
        cursor.execute(*query.select(
                Coalesce(Sum(query.within), 0),
                Coalesce(Sum(query.cases), 0)))
        return ratio(*cursor.fetchone())

    def _records_sla_met(self, start, end):
        from_, to = utc_bounds(self.company, start, end)
        return self._action(
            'act_case_form',
            gettext('customer_care.msg_indicator_records_sla_met'),
            domain=self._case_domain() + [
                ('contract', '!=', None),
                ('sla', '!=', None),
                ('received', '>=', from_),
                ('received', '<', to),
                ])

    # Service review commitments met on time

    def _compute_commitment_on_time(self, start, end):
        pool = Pool()
        Commitment = pool.get('customer_care.service_review.commitment')
        Review = pool.get('customer_care.service_review')
        Contract = pool.get('sale.subscription')
        commitment = Commitment.__table__()
        review = Review.__table__()
        contract = Contract.__table__()
        cursor = Transaction().connection.cursor()
        where = ((review.company == self.company.id)
            & (commitment.state != 'cancelled')
            & (review.state != 'cancelled')
            & (commitment.due_date >= start) & (commitment.due_date <= end))
        # the account manager filter is the review's, not the customer's
        if self.account_manager:
            where &= review.account_manager == self.account_manager.id
        if self.segment:
            where &= contract.party.in_(self.segment.customers_query())
        cursor.execute(*commitment
            .join(review, condition=commitment.review == review.id)
            .join(contract, 'LEFT', condition=review.contract == contract.id)
            .select(
                Coalesce(Sum(SQLCase(
                            ((commitment.state == 'met')
                                & (commitment.met_date
                                    <= commitment.due_date), Literal(1)),
                            else_=Literal(0))), 0),
                Count(Literal(1)),
                where=where))
        return ratio(*cursor.fetchone())

    def _records_commitment_on_time(self, start, end):
        domain = [
            ('review.company', '=', self.company.id),
            ('state', '!=', 'cancelled'),
            ('review.state', '!=', 'cancelled'),
            ('due_date', '>=', start),
            ('due_date', '<=', end),
            ]
        if self.account_manager:
            domain.append(
                ('review.account_manager', '=', self.account_manager.id))
        if self.segment:
            domain.append(('review.contract.party', 'in',
                    [c.id for c in self.segment.customers]))
        return self._action(
            'act_commitment_form',
            gettext('customer_care.msg_indicator_records_commitment_on_time'),
            domain=domain)

    # Improvement actions

    def _open_action_where(self, action, end):
        "Return the SQL condition of the actions open at the end"
        where = ((action.company == self.company.id)
            & (action.state != 'cancelled')
            & (action.opened <= end)
            & ((action.closed == Null) | (action.closed > end)))
        if self.segment:
            where &= action.segment == self.segment.id
        return where

    def _open_action_domain(self, end):
        domain = [
            ('company', '=', self.company.id),
            ('state', '!=', 'cancelled'),
            ('opened', '<=', end),
            ['OR', ('closed', '=', None), ('closed', '>', end)],
            ]
        if self.segment:
            domain.append(('segment', '=', self.segment.id))
        return domain

    def _compute_action_open(self, start, end):
        pool = Pool()
        Action = pool.get('customer_care.improvement_action')
        action = Action.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*action.select(
                Count(Literal(1)),
                where=self._open_action_where(action, end)))
        count, = cursor.fetchone()
        return int(count), int(count), None

    def _records_action_open(self, start, end):
        return self._action(
            'act_action_form',
            gettext('customer_care.msg_indicator_records_action_open'),
            domain=self._open_action_domain(end))

    def _compute_action_overdue(self, start, end):
        pool = Pool()
        Action = pool.get('customer_care.improvement_action')
        action = Action.__table__()
        cursor = Transaction().connection.cursor()
        # Open at the end of the period: opened by then, not closed then
        cursor.execute(*action.select(
                Coalesce(Sum(SQLCase(
                            ((action.due_date != Null)
                                & (action.due_date <= end), Literal(1)),
                            else_=Literal(0))), 0),
                Count(),
                where=self._open_action_where(action, end)))
        overdue, open_ = cursor.fetchone()
        return int(overdue), int(overdue), int(open_)

    def _records_action_overdue(self, start, end):
        return self._action(
            'act_action_form',
            gettext('customer_care.msg_indicator_records_action_overdue'),
            domain=self._open_action_domain(end) + [
                ('due_date', '!=', None),
                ('due_date', '<=', end),
                ])

    # Improvement actions effective

    def _compute_action_effective(self, start, end):
        pool = Pool()
        Action = pool.get('customer_care.improvement_action')
        action = Action.__table__()
        cursor = Transaction().connection.cursor()
        # The actions checked in the period (an effectiveness typed on a
        # done action is not checked yet): the figure of a period is whole
        # once it ends, whenever the actions were closed
        where = ((action.company == self.company.id)
            & (action.state == 'checked')
            & (action.checked >= start) & (action.checked <= end)
            & action.effectiveness.in_(['effective', 'not_effective']))
        if self.segment:
            where &= action.segment == self.segment.id
        cursor.execute(*action.select(
                Coalesce(Sum(SQLCase(
                            (action.effectiveness == 'effective',
                                Literal(1)),
                            else_=Literal(0))), 0),
                Count(Literal(1)),
                where=where))
        return ratio(*cursor.fetchone())

    def _records_action_effective(self, start, end):
        domain = [
            ('company', '=', self.company.id),
            ('state', '=', 'checked'),
            ('checked', '>=', start),
            ('checked', '<=', end),
            ('effectiveness', 'in', ['effective', 'not_effective']),
            ]
        if self.segment:
            domain.append(('segment', '=', self.segment.id))
        return self._action(
            'act_action_form',
            gettext('customer_care.msg_indicator_records_action_effective'),
            domain=domain)

    # Customer requirements met on time (PSC-004)

    def _compute_requirement_met(self, start, end):
        pool = Pool()
        Requirement = pool.get('customer_care.requirement')
        requirement = Requirement.__table__()
        cursor = Transaction().connection.cursor()
        # The due date is a day of the company: no time zone to bound
        cursor.execute(*requirement.select(
                Coalesce(Sum(SQLCase(
                            ((requirement.state == 'met')
                                & (requirement.met_date
                                    <= requirement.due_date),
                                Literal(1)),
                            else_=Literal(0))), 0),
                Count(),
                where=(requirement.company == self.company.id)
                & (requirement.state != 'rejected')
                & (requirement.due_date >= start)
                & (requirement.due_date <= end)))
        return ratio(*cursor.fetchone())

    def _records_requirement_met(self, start, end):
        return self._action(
            'act_requirement_form',
            gettext('customer_care.msg_indicator_records_requirement_met'),
            domain=[
                ('company', '=', self.company.id),
                ('state', '!=', 'rejected'),
                ('due_date', '>=', start),
                ('due_date', '<=', end),
                ])

    # Snapshots

    @classmethod
    @ModelView.button
    def take_snapshot(cls, indicators):
        "Store the value of the last closed period of each indicator"
        cls.snapshot_closed_periods(indicators)

    @classmethod
    def take_snapshots(cls, date=None):
        """Store the value of the last closed period of each active
        indicator of the company of the context (scheduled action)"""
        company_id = context_company()
        if company_id is None:
            return []
        indicators = cls.search([('company', '=', company_id)])
        return cls.snapshot_closed_periods(indicators, date=date)

    @classmethod
    def snapshot_closed_periods(cls, indicators, date=None):
        """Store the value of the period ended before date (today in the
        indicator's company by default) of each indicator, unless stored"""
        pool = Pool()
        Date = pool.get('ir.date')
        periods = []
        for indicator in indicators:
            if date is None:
                with Transaction().set_context(company=indicator.company.id):
                    today = Date.today()
            else:
                today = date
            start, end = last_closed_period(today, indicator.periodicity)
            periods.append((indicator, start, end))
        return cls.snapshot(periods)

    @classmethod
    def snapshot(cls, periods):
        """Store the snapshots of the (indicator, start, end) not yet stored
        and open an improvement action for each red one; return the new
        snapshots"""
        pool = Pool()
        Snapshot = pool.get('customer_care.indicator.snapshot')
        stored = set()
        if periods:
            for snapshot in Snapshot.search([
                        ('indicator', 'in', list({
                                    i.id for i, _, _ in periods})),
                        ]):
                stored.add((snapshot.indicator.id, snapshot.period_start))
        now = dt.datetime.now().replace(microsecond=0)
        to_save = []
        for indicator, start, end in periods:
            if (indicator.id, start) in stored:
                continue
            stored.add((indicator.id, start))
            value, numerator, denominator = indicator.compute(start, end)
            to_save.append(Snapshot(
                    indicator=indicator,
                    company=indicator.company,
                    period_start=start,
                    period_end=end,
                    value=value,
                    numerator=numerator,
                    denominator=denominator,
                    target=indicator.target,
                    colour=indicator.get_colour(value),
                    taken=now))
        Snapshot.save(to_save)
        Snapshot.open_actions([s for s in to_save if s.colour == 'red'])
        return to_save


class Snapshot(ModelSQL, ModelView):
    __name__ = 'customer_care.indicator.snapshot'
    __string__ = "Indicator Snapshot"

    indicator = fields.Many2One(
        'customer_care.indicator', "Indicator", required=True,
        readonly=True, ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    period_start = fields.Date("Period Start", required=True, readonly=True)
    period_end = fields.Date("Period End", required=True, readonly=True)
    value = fields.Float(
        "Value", digits=(16, 1), readonly=True,
        help="Empty when the period had nothing to measure.")
    numerator = fields.Integer("Numerator", readonly=True)
    denominator = fields.Integer("Denominator", readonly=True)
    target = fields.Float(
        "Target", digits=(16, 1), readonly=True,
        help="The target of the indicator when the snapshot was taken.")
    colour = fields.Selection(
        COLOURS, "Colour", readonly=True, sort=False,
        help="Against the target and ranges of the indicator when the "
        "snapshot was taken.")
    colour_string = colour.translated('colour')
    taken = fields.DateTime("Taken", required=True, readonly=True)
    improvement_actions = fields.One2Many(
        'customer_care.improvement_action', 'origin', "Improvement Actions",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('period_unique', Unique(t, t.indicator, t.period_start),
                'customer_care.msg_indicator_snapshot_period_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.period_start, Index.Range())))
        cls._order = [
            ('period_start', 'DESC'), ('indicator', 'ASC'), ('id', 'DESC')]
        cls._buttons.update({
                'open_records': {
                    'icon': 'tryton-link',
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree/field[@name="colour"]', 'visual',
                If(Eval('colour') == 'red', 'danger',
                    If(Eval('colour') == 'amber', 'warning',
                        If(Eval('colour') == 'green', 'success',
                            'muted')))),
            ]

    def get_rec_name(self, name):
        return '%s %s - %s' % (
            self.indicator.rec_name, self.period_start, self.period_end)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('indicator.rec_name',) + tuple(clause[1:])]

    @classmethod
    @ModelView.button
    def open_records(cls, snapshots):
        "Open the records behind the figure of the snapshot"
        snapshot, = snapshots[:1] or [None]
        if snapshot:
            return snapshot.indicator.records_action(
                snapshot.period_start, snapshot.period_end)

    @classmethod
    def open_actions(cls, snapshots):
        """Open a draft improvement action for each snapshot without one,
        assigned to the owner of its indicator"""
        pool = Pool()
        Action = pool.get('customer_care.improvement_action')
        actions = []
        for snapshot in snapshots:
            if snapshot.improvement_actions:
                continue
            indicator = snapshot.indicator
            values = {
                'kind': 'corrective',
                'title': gettext(
                    'customer_care.msg_indicator_action_title',
                    indicator=indicator.rec_name,
                    start=snapshot.period_start, end=snapshot.period_end),
                'description': gettext(
                    'customer_care.msg_indicator_action_description',
                    indicator=indicator.rec_name,
                    start=snapshot.period_start, end=snapshot.period_end,
                    value=snapshot.value, target=(
                        snapshot.target if snapshot.target is not None
                        else ''),
                    numerator=snapshot.numerator,
                    denominator=snapshot.denominator),
                }
            if indicator.owner:
                values['responsible'] = indicator.owner
            actions.extend(Action.create_from_origin([snapshot], **values))
        return actions


class ImprovementAction(metaclass=PoolMeta):
    __name__ = 'customer_care.improvement_action'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['customer_care.indicator.snapshot']
