# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The management review: the quarterly (or yearly) presentation of the
process to top management (PSC-004, GC-P-1).

A review of a company and a period gathers the figures of the period (the
indicators with their trend, the cases, the surveys, the service reviews and
the improvement actions) and the conclusions and decisions the coordinator
writes before printing.  Preparing it stores the figures on the review (as
a queued task when a worker is configured, in the request otherwise); done,
it is frozen: its figures and texts no longer change.

Every count is a set-based query (python-sql aggregates grouped by the
dimension), never a loop over loaded records; the figures are stored as
codes, ids and numbers, and labelled in the reader's language when printed.
"""
import datetime as dt

from sql import Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case as SQLCase
from sql.conditionals import Coalesce

import trytond.config as config
from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import employee_field, set_employee
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import ManagementReviewValidationError
from .indicator import (
    last_closed_period, period_end, period_start, ratio, utc_bounds)
from .report import CareReport

PERIOD_KINDS = [
    ('quarter', "Quarter"),
    ('year', "Year"),
    ]
PERIODICITY = {
    'quarter': 'quarterly',
    'year': 'yearly',
    }
# The number of periods of the trend of each indicator
TREND_PERIODS = 4


def _iso(date):
    return date.isoformat() if date else None


def _date(text):
    return dt.date.fromisoformat(text) if text else None


def _int(value):
    return int(value or 0)


class Review(Workflow, ModelSQL, ModelView):
    __name__ = 'customer_care.management_review'
    __string__ = "Management Review"

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': (Eval('state') != 'draft') | Bool(Eval('figures')),
            })
    period_kind = fields.Selection(
        PERIOD_KINDS, "Period", required=True, sort=False, states=_states)
    period_kind_string = period_kind.translated('period_kind')
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date("End Date", required=True, states=_states)
    conclusions = fields.Text(
        "Conclusions", states=_states,
        help="The analysis of the period, printed with the figures.")
    decisions = fields.Text(
        "Decisions", states=_states,
        help="What management decides: improvement plans, targets, "
        "resources.")
    figures = fields.Dict(None, "Figures", readonly=True)
    figures_date = fields.DateTime(
        "Figures Computed", readonly=True,
        help="When the figures printed were computed.")
    figures_queued = fields.Boolean(
        "Figures Being Computed", readonly=True,
        help="The figures are computed by a queued task: reload the "
        "review in a while.")
    prepared_by = employee_field(
        "Prepared By", states=['done'])
    done_by = employee_field("Done By", states=['done'])
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.company, Index.Equality()),
                (t.start_date, Index.Range())))
        cls._order = [
            ('start_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'done'),
            }
        cls._buttons.update({
                'prepare': {
                    'invisible': Eval('state') != 'draft',
                    'icon': If(Bool(Eval('figures_date')),
                        'tryton-refresh', 'tryton-launch'),
                    'depends': ['state', 'figures_date'],
                    },
                'do': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_period_kind(cls):
        return 'quarter'

    @classmethod
    def default_figures_queued(cls):
        return False

    @classmethod
    def _default_period(cls, kind='quarter'):
        "Return the last closed period of the kind in the company's day"
        pool = Pool()
        Date = pool.get('ir.date')
        return last_closed_period(Date.today(), PERIODICITY[kind])

    @classmethod
    def default_start_date(cls):
        return cls._default_period()[0]

    @classmethod
    def default_end_date(cls):
        return cls._default_period()[1]

    @fields.depends('period_kind', 'start_date', 'end_date')
    def on_change_period_kind(self):
        if not self.period_kind:
            return
        periodicity = PERIODICITY[self.period_kind]
        if self.start_date:
            self.start_date = period_start(self.start_date, periodicity)
        else:
            self.start_date, _ = self._default_period(self.period_kind)
        self.end_date = period_end(self.start_date, periodicity)

    @fields.depends('period_kind', 'start_date', 'end_date')
    def on_change_start_date(self):
        if self.start_date and self.period_kind:
            self.end_date = period_end(
                self.start_date, PERIODICITY[self.period_kind])

    def get_rec_name(self, name):
        return gettext(
            'customer_care.msg_management_review_rec_name',
            period=period_label(self.start_date, self.end_date),
            company=self.company.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('company.rec_name', *clause[1:])]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'done', 'success', '')),
            ('//label[@id="queued"]', 'states', {
                    'invisible': ~Eval('figures_queued'),
                    }),
            ]

    @classmethod
    def validate_fields(cls, reviews, field_names):
        super().validate_fields(reviews, field_names)
        if field_names and not (field_names & {'start_date', 'end_date'}):
            return
        for review in reviews:
            if review.start_date > review.end_date:
                raise ManagementReviewValidationError(gettext(
                        'customer_care.msg_management_review_period',
                        review=review.rec_name))

    @classmethod
    def check_modification(cls, mode, reviews, values=None, external=False):
        super().check_modification(
            mode, reviews, values=values, external=external)
        if mode in {'write', 'delete'}:
            for review in reviews:
                if review.state == 'done':
                    raise AccessError(gettext(
                            'customer_care.msg_management_review_done',
                            review=review.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if (mode == 'write' and 'figures' not in values
                and values.keys() & {'company', 'start_date', 'end_date'}):
            # The figures are those of the period prepared: they go with it
            values.update({
                    'figures': None,
                    'figures_date': None,
                    })
        return values

    @classmethod
    def copy(cls, reviews, default=None):
        default = default.copy() if default is not None else {}
        for name in ['figures', 'figures_date', 'prepared_by', 'done_by']:
            default.setdefault(name, None)
        default.setdefault('figures_queued', False)
        return super().copy(reviews, default=default)

    @classmethod
    @ModelView.button
    @set_employee('prepared_by')
    def prepare(cls, reviews):
        """Compute the figures of the reviews: as a queued task when a worker
        is configured, in the request otherwise"""
        reviews = [r for r in reviews if r.state == 'draft']
        if not reviews:
            return
        if config.getboolean('queue', 'worker', default=False):
            cls.write(reviews, {'figures_queued': True})
            cls.__queue__.compute_figures(reviews)
        else:
            cls.compute_figures(reviews)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    @set_employee('done_by')
    def do(cls, reviews):
        "Freeze the reviews, computing first the figures still missing"
        cls.compute_figures([r for r in reviews
                if not r.figures or r.figures_queued])

    @classmethod
    def compute_figures(cls, reviews):
        """Compute and store the figures of the draft reviews (the task
        queued by prepare)"""
        now = dt.datetime.now().replace(microsecond=0)
        reviews = [r for r in reviews if r.state == 'draft']
        for review in reviews:
            with Transaction().set_context(company=review.company.id):
                figures = review.get_figures()
            cls.write([review], {
                    'figures': figures,
                    'figures_date': now,
                    'figures_queued': False,
                    })

    def get_figures(self):
        """Return the figures of the review's period by section, to store:
        codes, ids, ISO dates and numbers only"""
        figures = {
            'start': _iso(self.start_date),
            'end': _iso(self.end_date),
            }
        for section in self.figure_sections():
            figures[section] = getattr(self, '_figures_%s' % section)()
        return figures

    @classmethod
    def figure_sections(cls):
        "Return the sections of the figures, in the order of the report"
        return ['indicators', 'cases', 'surveys', 'service_reviews',
            'actions', 'requirements']

    def _bounds(self):
        "Return the naive UTC datetimes [from, to) of the period"
        return utc_bounds(self.company, self.start_date, self.end_date)

    # Indicators

    def _figures_indicators(self):
        """Return each active indicator of the company with its value over
        the period, its colour, and the snapshots of its last periods"""
        pool = Pool()
        Indicator = pool.get('customer_care.indicator')
        Snapshot = pool.get('customer_care.indicator.snapshot')
        indicators = Indicator.search([
                ('company', '=', self.company.id),
                ])
        periods = {}
        for indicator in indicators:
            periodicity = indicator.periodicity
            start = period_start(self.end_date, periodicity)
            starts = []
            for _ in range(TREND_PERIODS):
                starts.insert(0, start)
                start = period_start(
                    start - dt.timedelta(days=1), periodicity)
            periods[indicator.id] = starts
        snapshots = {}
        if indicators:
            for snapshot in Snapshot.search([
                        ('indicator', 'in', [i.id for i in indicators]),
                        ('period_start', 'in', list({
                                    s for starts in periods.values()
                                    for s in starts})),
                        ], order=[]):
                snapshots[
                    snapshot.indicator.id, snapshot.period_start] = snapshot
        result = []
        for indicator in indicators:
            value, numerator, denominator = indicator.compute(
                self.start_date, self.end_date)
            trend = []
            for start in periods[indicator.id]:
                end = period_end(start, indicator.periodicity)
                snapshot = snapshots.get((indicator.id, start))
                trend.append({
                        'start': _iso(start),
                        'end': _iso(end),
                        'value': snapshot.value if snapshot else None,
                        'target': snapshot.target if snapshot else None,
                        'colour': snapshot.colour if snapshot else 'no_data',
                        })
            result.append({
                    'id': indicator.id,
                    'code': indicator.code,
                    'name': indicator.name,
                    'unit': indicator.unit,
                    'direction': indicator.direction,
                    'value': value,
                    'numerator': numerator,
                    'denominator': denominator,
                    'target': indicator.target,
                    'amber_limit': indicator.amber_limit,
                    'red_limit': indicator.red_limit,
                    'colour': indicator.get_colour(value),
                    'trend': trend,
                    })
        return result

    # Cases

    def _figures_cases(self):
        """Return the cases of the period (not cancelled) by kind, channel
        and service: received in the period, answered in it, answered on
        time, extended in it; and the totals"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case.__table__()
        cursor = Transaction().connection.cursor()
        from_, to = self._bounds()
        received = (case.received >= from_) & (case.received < to)
        answered = (case.answer_date >= from_) & (case.answer_date < to)
        extended = ((case.extended_on >= self.start_date)
            & (case.extended_on <= self.end_date))

        def count(condition):
            return Coalesce(Sum(SQLCase(
                        (condition, Literal(1)), else_=Literal(0))), 0)

        columns = [
            count(received), count(answered),
            count(answered & (case.on_time == Literal(True))),
            count(extended),
            ]
        where = ((case.company == self.company.id)
            & (case.state != 'cancelled')
            & (received | answered | extended))

        def rows(column):
            cursor.execute(*case.select(
                    column, *columns,
                    where=where, group_by=[column]))
            return sorted(
                ([key, *map(_int, values)] for key, *values in cursor),
                key=lambda r: (r[0] is None, r[0]))

        cursor.execute(*case.select(*columns, where=where))
        total = list(map(_int, cursor.fetchone()))
        return {
            'columns': ['received', 'answered', 'on_time', 'extended'],
            'total': total,
            'kind': rows(case.kind),
            'channel': rows(case.channel),
            'service': rows(case.service),
            }

    # Surveys

    def _figures_surveys(self):
        """Return the survey campaigns that ended in the period, with the
        figures the campaigns compute (answered, response rate, CSAT, NPS,
        SC)"""
        pool = Pool()
        Campaign = pool.get('customer_care.survey.campaign')
        campaigns = Campaign.search([
                ('company', '=', self.company.id),
                ('end_date', '>=', self.start_date),
                ('end_date', '<=', self.end_date),
                ('state', 'not in', ['draft', 'sampled']),
                ], order=[('end_date', 'ASC'), ('id', 'ASC')])
        return [{
                'id': c.id,
                'name': c.name,
                'start': _iso(c.start_date),
                'end': _iso(c.end_date),
                'sample_size': c.sample_size,
                'answered': c.answered,
                'response_rate': c.response_rate,
                'csat': c.csat,
                'nps': c.nps,
                'satisfied_share': c.satisfied_share,
                } for c in campaigns]

    # Service reviews and their commitments

    def _figures_service_reviews(self):
        """Return the service reviews held in the period and the commitments
        due in it, but those of cancelled reviews, as the indicator
        commitment_on_time counts them: (held, commitments due, met, met on
        time)"""
        pool = Pool()
        Review = pool.get('customer_care.service_review')
        Commitment = pool.get('customer_care.service_review.commitment')
        review = Review.__table__()
        commitment = Commitment.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*review.select(
                Count(),
                where=(review.company == self.company.id)
                & (review.state == 'held')
                & (review.date >= self.start_date)
                & (review.date <= self.end_date)))
        held, = cursor.fetchone()
        met = commitment.state == 'met'
        cursor.execute(*commitment.join(
                review, condition=commitment.review == review.id).select(
                Count(),
                Coalesce(Sum(SQLCase(
                            (met, Literal(1)), else_=Literal(0))), 0),
                Coalesce(Sum(SQLCase(
                            (met & (commitment.met_date
                                    <= commitment.due_date), Literal(1)),
                            else_=Literal(0))), 0),
                where=(review.company == self.company.id)
                & (commitment.state != 'cancelled')
                & (review.state != 'cancelled')
                & (commitment.due_date >= self.start_date)
                & (commitment.due_date <= self.end_date)))
        due, met_, on_time = map(_int, cursor.fetchone())
        return {
            'held': _int(held),
            'commitments': due,
            'met': met_,
            'met_on_time': on_time,
            'met_on_time_share': ratio(on_time, due)[0],
            }

    # Improvement actions

    def _figures_actions(self):
        """Return the improvement actions (not cancelled) opened, closed and
        checked in the period by kind, with the effective ones"""
        pool = Pool()
        Action = pool.get('customer_care.improvement_action')
        action = Action.__table__()
        cursor = Transaction().connection.cursor()

        def within(column):
            return (column >= self.start_date) & (column <= self.end_date)

        def count(condition):
            return Coalesce(Sum(SQLCase(
                        (condition, Literal(1)), else_=Literal(0))), 0)

        checked = within(action.checked)
        cursor.execute(*action.select(
                action.kind,
                count(within(action.opened)),
                count(within(action.closed)),
                count(checked & (action.effectiveness != Null)),
                count(checked & (action.effectiveness == 'effective')),
                where=(action.company == self.company.id)
                & (action.state != 'cancelled')
                & (within(action.opened) | within(action.closed)
                    | checked),
                group_by=[action.kind]))
        rows = sorted(
            ([kind, *map(_int, values)] for kind, *values in cursor),
            key=lambda r: r[0])
        total = [sum(r[i] for r in rows) for i in range(1, 5)]
        return {
            'columns': ['opened', 'closed', 'checked', 'effective'],
            'kind': rows,
            'total': total,
            'effectiveness': ratio(total[3], total[2])[0],
            }

    # Customer requirements

    def _figures_requirements(self):
        """Hook of the customer requirements section: return None (no
        section) or {'rows': [(code, value), ...]} printed as a table with
        the labels msg_management_review_requirements_<code>

        The register of customer requirements extends it."""
        return None


def period_label(start, end):
    """Return the label of the period from start to end: a quarter, a
    year, a month or the dates"""
    pool = Pool()
    Lang = pool.get('ir.lang')
    if not start or not end:
        return ''
    for periodicity in ['quarterly', 'yearly', 'monthly']:
        if (period_start(start, periodicity) == start
                and period_end(start, periodicity) == end):
            break
    else:
        periodicity = None
    if periodicity == 'quarterly':
        return gettext(
            'customer_care.msg_management_review_quarter',
            quarter=(start.month - 1) // 3 + 1, year=start.year)
    elif periodicity == 'yearly':
        return str(start.year)
    lang = Lang.get()
    if periodicity == 'monthly':
        return lang.strftime(start, '%b %Y')
    return '%s – %s' % (lang.strftime(start), lang.strftime(end))


def trend_chart(trend, unit, width=240, height=70):
    """Return the geometry of the bar chart of a trend (oldest period
    first): {'width', 'height', 'bars': [(x, y, w, h, label, value text,
    colour)], 'target': y or None}; a period without data has no bar."""
    top = 100.0 if unit == 'percent' else max(
        [t['value'] or 0 for t in trend]
        + [t['target'] or 0 for t in trend] + [1])
    base = height - 14
    room = base - 12
    slot = width / max(len(trend), 1)
    bars = []
    for i, item in enumerate(trend):
        value = item['value']
        label = period_label(_date(item['start']), _date(item['end']))
        if value is None:
            bars.append((i * slot + slot * 0.2, base, slot * 0.6, 0,
                    label, None, 'no_data'))
            continue
        h = room * min(value, top) / top
        bars.append((i * slot + slot * 0.2, base - h, slot * 0.6, h,
                label, value, item['colour']))
    targets = [t['target'] for t in trend if t['target'] is not None]
    target = None
    if targets:
        target = base - room * min(targets[-1], top) / top
    return {
        'width': width,
        'height': height,
        'base': base,
        'bars': bars,
        'target': target,
        }


class ReviewReport(CareReport):
    __name__ = 'customer_care.management_review'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Case = pool.get('customer_care.case')
        Action = pool.get('customer_care.improvement_action')
        Snapshot = pool.get('customer_care.indicator.snapshot')
        context = super().get_context(records, header, data)
        # The figures of each review once, and the names of all their
        # indicators and services in the reader's language in one search each
        figures = {r.id: cls.review_figures(r) for r in records}
        context['review_figures'] = lambda review: figures[review.id]
        context['period_label'] = period_label
        context['trend_chart'] = trend_chart
        context['iso_date'] = _date
        selections = {
            name: dict(Case.fields_get([name])[name]['selection'])
            for name in ['kind', 'channel']}
        services = cls.service_names({
                row[0] for f in figures.values()
                for row in f['cases']['service'] if row[0] is not None})
        indicators = cls.indicator_names({
                row['id'] for f in figures.values()
                for row in f['indicators']})

        def case_label(dimension, key):
            "Return the label of the key of the cases' dimension"
            if dimension == 'service':
                if key is None:
                    return '-'
                return services.get(key, str(key))
            return selections[dimension].get(key, key)
        context['case_label'] = case_label
        context['action_kinds'] = dict(
            Action.fields_get(['kind'])['kind']['selection'])
        context['colours'] = dict(
            Snapshot.fields_get(['colour'])['colour']['selection'])
        context['indicator_name'] = lambda row: '[%s] %s' % (
            row['code'], indicators.get(row['id'], row['name']))
        context['requirement_label'] = lambda code: gettext(
            'customer_care.msg_management_review_requirements_%s' % code)
        return context

    @classmethod
    def review_figures(cls, review):
        """Return the stored figures of the review, or those computed now
        for a draft not prepared"""
        if review.figures:
            return review.figures
        with Transaction().set_context(company=review.company.id), \
                without_check_access():
            return review.get_figures()

    @classmethod
    def service_names(cls, service_ids):
        "Return the names of the services by id in the reader's language"
        pool = Pool()
        Product = pool.get('product.product')
        names = {}
        with without_check_access():
            for sub_ids in grouped_slice(
                    list(service_ids), backend.MAX_QUERY_PARAMS):
                names.update((p.id, p.rec_name) for p in Product.search([
                            ('id', 'in', list(sub_ids)),
                            ('active', 'in', [True, False]),
                            ], order=[]))
        return names

    @classmethod
    def indicator_names(cls, indicator_ids):
        "Return the names of the indicators by id in the reader's language"
        pool = Pool()
        Indicator = pool.get('customer_care.indicator')
        names = {}
        with without_check_access():
            for sub_ids in grouped_slice(
                    list(indicator_ids), backend.MAX_QUERY_PARAMS):
                names.update((i.id, i.name) for i in Indicator.search([
                            ('id', 'in', list(sub_ids)),
                            ('active', 'in', [True, False]),
                            ], order=[]))
        return names
