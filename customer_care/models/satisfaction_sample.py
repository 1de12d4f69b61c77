# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Monthly random samples of the answered cases whose rule says so, and the
wizard that draws them.
"""
import datetime as dt
import random

from sql import Null

from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .calendar import to_utc
from .ir import context_company
from .sampling import draw


def month_bounds(date):
    "Return the first day of the month of date and of the next month"
    start = date.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


class Sample(ModelSQL, ModelView):
    __name__ = 'customer_care.satisfaction.sample'
    __string__ = "Satisfaction Sample"

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    rule = fields.Many2One(
        'customer_care.satisfaction.rule', "Rule", required=True,
        readonly=True, ondelete='RESTRICT')
    month = fields.Date(
        "Month", required=True, readonly=True,
        help="The first day of the month whose answered cases are drawn.")
    seed = fields.Integer(
        "Seed", required=True, readonly=True,
        help="The seed of the random draw: with the population it repeats "
        "the draw.")
    size = fields.Integer("Size", required=True, readonly=True)
    population = fields.Text(
        "Population", readonly=True,
        help="The ids of the eligible cases, in the order they were drawn "
        "from.")
    population_size = fields.Integer(
        "Population Size", required=True, readonly=True)
    checks = fields.One2Many(
        'customer_care.satisfaction.check', 'sample', "Checks",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('rule_company_month_unique',
                Unique(t, t.rule, t.company, t.month),
                'customer_care.msg_satisfaction_sample_unique'),
            ]
        cls._order = [('month', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.rule.rec_name} {self.month.strftime("%Y-%m")}'

    def population_ids(self):
        return [int(i) for i in (self.population or '').split()]

    def redraw(self):
        "Return the case ids that the seed draws from the population"
        return draw(self.population_ids(), self.size, self.seed)

    @classmethod
    def _population_query(cls, rule, company, start, end):
        "Return the SQL query of the eligible case ids between start and end"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Check = pool.get('customer_care.satisfaction.check')
        case = Case.__table__()
        check = Check.__table__()
        return case.select(
            case.id,
            where=(case.satisfaction_rule == rule.id)
            & (case.company == company.id)
            & case.state.in_(['answered', 'closed'])
            & (case.answer_date != Null)
            & (case.answer_date >= start) & (case.answer_date < end)
            & ~case.id.in_(check.select(
                    check.case, where=check.case != Null)))

    @classmethod
    def draw_samples(cls, date=None):
        """Draw the samples of the month of date (by default the previous
        month) for the context company; a month is drawn once per rule.

        The scheduled action runs it once for each of its companies."""
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        Rule = pool.get('customer_care.satisfaction.rule')
        Check = pool.get('customer_care.satisfaction.check')
        transaction = Transaction()
        company_id = context_company()
        if company_id is None:
            return []
        company = Company(company_id)
        if date is None:
            date = Date.today().replace(day=1) - dt.timedelta(days=1)
        month, next_month = month_bounds(date)
        start = to_utc(dt.datetime.combine(month, dt.time()), company)
        end = to_utc(dt.datetime.combine(next_month, dt.time()), company)
        rules = Rule.search([
                ('method', '=', 'sample'),
                ('company', 'in', [company.id, None]),
                ])
        drawn = {s.rule for s in cls.search([
                    ('company', '=', company.id),
                    ('month', '=', month),
                    ])}
        cursor = transaction.connection.cursor()
        system_random = random.SystemRandom()
        samples = []
        for rule in rules:
            if rule in drawn:
                continue
            cursor.execute(*cls._population_query(rule, company, start, end))
            population = sorted(r for r, in cursor)
            sample = cls(
                company=company, rule=rule, month=month,
                seed=system_random.randrange(2 ** 31),
                size=rule.sample_size,
                population=' '.join(map(str, population)),
                population_size=len(population))
            sample.save()
            Check.create_for_cases(
                Pool().get('customer_care.case').browse(sample.redraw()),
                sample=sample)
            samples.append(sample)
        return samples


class DrawSampleStart(ModelView):
    __name__ = 'customer_care.satisfaction.sample.draw.start'
    __string__ = "Draw Satisfaction Samples"

    month = fields.Date(
        "Month", required=True,
        help="Any day of the month whose answered cases are drawn.")

    @classmethod
    def default_month(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today().replace(day=1) - dt.timedelta(days=1)


class DrawSample(Wizard):
    __name__ = 'customer_care.satisfaction.sample.draw'

    start = StateView(
        'customer_care.satisfaction.sample.draw.start',
        'customer_care.satisfaction_sample_draw_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Draw", 'draw', 'tryton-ok', default=True),
            ])
    draw = StateTransition()

    def transition_draw(self):
        pool = Pool()
        Sample = pool.get('customer_care.satisfaction.sample')
        Sample.draw_samples(self.start.month)
        return 'end'
