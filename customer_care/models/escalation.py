# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Escalation up the line: the overdue cases escalated level after level.

A case past its due date without an answer is escalated at level 1 (the
manager of its team, the day after its due date) and then, after more
business days still without an answer, at the next levels (the customer-care
coordinator, then a manager the company names). The escalation levels of the
settings say, for each level and for the kinds and priorities they match,
after how many business days past the due date it is sent and to whom; each
level is sent once for a case and a due date (a reminder of kind
*Escalation* and of that level, see ``reminder.py``), and a case climbs one
level a run: a level is not sent on the day a lower one was, so a case found
long overdue (the first run after the levels are set) is escalated at
level 1, then at the next levels on the next days. A level without
recipient is passed over.

The levels are matched per kind and priority in Python (a few rules against
the few kinds and priorities), which gives one SQL condition per level: the
candidates of a level are found with one query, as every reminder.
"""
import datetime as dt
from collections import defaultdict

from sql import Literal, Null
from sql.aggregate import Count, Max, Min
from sql.conditionals import Case as SQLCase
from sql.conditionals import Coalesce
from sql.operators import Exists, Or

from trytond.model import (
    Index, MatchMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .calendar import get_calendar
from .case import KINDS, OPEN_STATES, PRIORITIES

RECIPIENTS = [
    ('team_manager', "Team Manager"),
    ('coordinator', "Customer Care Coordinator"),
    ('manager', "Escalation Manager"),
    ]


def last_due_date(calendar, date, days):
    """Return the latest due date of the records to escalate on date after
    days business days past it: the day before date for 0 days, else the
    latest due date whose days-th business day after it is before date."""
    due_date = date - dt.timedelta(days=1)
    while calendar.add_days(due_date, days) >= date:
        due_date -= dt.timedelta(days=1)
    return due_date


class Level(sequence_ordered(), MatchMixin, ModelSQL, ModelView):
    __name__ = 'customer_care.escalation.level'
    __string__ = "Escalation Level"

    company = fields.Many2One(
        'company.company', "Company",
        help="Leave empty to apply to every company.")
    level = fields.Integer(
        "Level", required=True,
        domain=[('level', '>=', 1)],
        help="1 for the first escalation, 2 and up for the next ones.")
    kinds = fields.MultiSelection(
        KINDS, "Kinds", sort=False,
        help="Leave empty to match any kind.")
    priorities = fields.MultiSelection(
        PRIORITIES, "Priorities", sort=False,
        help="Leave empty to match any priority.")
    days = fields.Integer(
        "Business Days", required=True,
        domain=[('days', '>=', 0)],
        help="How many business days past the due date without an answer "
        "the case is escalated at this level: 0 escalates it the day after "
        "its due date.")
    recipient = fields.Selection(
        RECIPIENTS, "Recipient", required=True, sort=False,
        help="Whom the case is escalated to: the manager of its team, or "
        "the coordinator or the escalation manager of the configuration.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(1, ('level', 'ASC'))

    @staticmethod
    def default_level():
        return 1

    @staticmethod
    def default_days():
        return 0

    @staticmethod
    def default_recipient():
        return 'team_manager'

    def match(self, pattern, match_none=False):
        "Return whether the level matches the pattern of kind and priority"
        pattern = pattern.copy()
        for name in ['kinds', 'priorities']:
            value = pattern.pop(name)
            condition = getattr(self, name)
            if condition and value not in condition:
                return False
        return super().match(pattern, match_none=match_none)

    @classmethod
    def _levels(cls):
        "Return the levels of the context company, in their order"
        company_id = Transaction().context.get('company')
        return cls.search([
                ('company', 'in', [None, company_id]),
                ])

    @classmethod
    def get_levels(cls):
        "Return the sorted numbers of the levels of the context company"
        return sorted({level.level for level in cls._levels()})

    @classmethod
    def _recipient_column(cls, tables, recipient):
        "Return the SQL column of the user to escalate to"
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        if recipient == 'team_manager':
            return tables['team'].manager
        company_id = Transaction().context.get('company')
        user = Configuration(1).get_multivalue(
            f'escalation_{recipient}', company=company_id)
        # None: nobody to escalate to (yet)
        return Literal(user.id) if user else None

    @classmethod
    def get_condition(cls, tables, date, level):
        """Return the SQL condition of the cases to escalate on date at level
        and the SQL column of the user to escalate each to, or None.

        For each kind and priority the first level of that number that
        matches them decides; the cases of the kinds and priorities with the
        same business days and recipient share a condition."""
        case = tables[None]
        levels = [l for l in cls._levels() if l.level == level]
        groups = defaultdict(lambda: defaultdict(list))
        for kind, _ in KINDS:
            for priority, _ in PRIORITIES:
                rule = cls.first_match(
                    levels, {'kinds': kind, 'priorities': priority})
                if rule:
                    groups[rule.days, rule.recipient][kind].append(priority)
        if not groups:
            return None
        calendar = get_calendar()
        conditions = []
        for (days, recipient), kinds in sorted(groups.items()):
            user = cls._recipient_column(tables, recipient)
            if user is None:
                continue
            condition = (
                (case.due_date <= last_due_date(calendar, date, days))
                & Or([(case.kind == k) & case.priority.in_(p)
                        for k, p in kinds.items()]))
            conditions.append((condition, user))
        if not conditions:
            return None
        if len(conditions) == 1:
            (condition, user), = conditions
        else:
            condition = Or([c for c, _ in conditions])
            user = SQLCase(*conditions)
        return condition, user

    @classmethod
    def first_match(cls, levels, pattern):
        "Return the first of levels, in their order, that matches pattern"
        for level in levels:
            if level.match(pattern):
                return level


class Configuration(metaclass=PoolMeta):
    __name__ = 'customer_care.configuration'

    escalation_coordinator = fields.MultiValue(fields.Many2One(
            'res.user', "Escalation Coordinator",
            help="The customer-care coordinator, to whom the escalation "
            "levels of recipient Customer Care Coordinator escalate."))
    escalation_manager = fields.MultiValue(fields.Many2One(
            'res.user', "Escalation Manager",
            help="The manager the company names, to whom the escalation "
            "levels of recipient Escalation Manager escalate."))

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in {'escalation_coordinator', 'escalation_manager'}:
            return pool.get('customer_care.configuration.escalation')
        return super().multivalue_model(field)


class ConfigurationEscalation(ModelSQL, CompanyValueMixin):
    __name__ = 'customer_care.configuration.escalation'
    __string__ = "Customer Care Configuration Escalation"

    escalation_coordinator = fields.Many2One(
        'res.user', "Escalation Coordinator", ondelete='RESTRICT')
    escalation_manager = fields.Many2One(
        'res.user', "Escalation Manager", ondelete='RESTRICT')


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

    escalation_level = fields.Integer(
        "Escalation Level", readonly=True,
        help="The highest level to which the case was escalated for its "
        "current due date: 0 when it was not escalated.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.escalation_level, Index.Range()),
                where=t.state.in_(OPEN_STATES)))

    # The messages of the escalations past level 1 (level 1 keeps those of
    # the kind Escalation)
    _escalation_level_messages = (
        'customer_care.msg_case_escalation_level_subject',
        'customer_care.msg_case_escalation_level_body')

    @classmethod
    def default_escalation_level(cls):
        return 0

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('escalation_level', 0)
        return super().copy(cases, default=default)

    @classmethod
    def _reminder_levels(cls, kind, date):
        pool = Pool()
        Level = pool.get('customer_care.escalation.level')
        if kind == 'escalation':
            return Level.get_levels()
        return super()._reminder_levels(kind, date)

    @classmethod
    def _reminder_message(cls, kind, level):
        if kind == 'escalation' and level > 1:
            return cls._escalation_level_messages
        return super()._reminder_message(kind, level)

    @classmethod
    def _reminder_candidates(cls, kind, date, level=None):
        pool = Pool()
        Level = pool.get('customer_care.escalation.level')
        Reminder = pool.get('customer_care.reminder')
        if kind != 'escalation' or level is None:
            return super()._reminder_candidates(kind, date, level)
        query, tables = cls._reminder_tables()
        result = Level.get_condition(tables, date, level)
        if result is None:
            return None
        where, user = result
        case = tables[None]
        if level > 1:
            # One level a run: not the day a lower level was sent, so that
            # a case long overdue climbs the levels on the next runs
            reminder = Reminder.__table__()
            where &= ~Exists(reminder.select(
                    reminder.id,
                    where=(reminder.record_model == cls.__name__)
                    & (reminder.record_id == case.id)
                    & (reminder.kind == kind)
                    & (reminder.due_date == case.due_date)
                    & (reminder.level < level)
                    & (reminder.date == date)))
        where &= (cls._reminder_where(tables, kind)
            & (cls._reminder_company(tables)
                == Transaction().context.get('company', -1))
            & (user != Null))
        return query.select(
            case.id.as_('record'), case.due_date.as_('due_date'),
            user.as_('user'),
            where=where)

    @classmethod
    def _reminders_sent(cls, date):
        super()._reminders_sent(date)
        cls._update_escalation_level(
            company_id=Transaction().context.get('company'))

    @classmethod
    def _update_escalation_level(cls, company_id=None):
        """Set the escalation level of the open cases (of the company) to
        the highest level escalated for their due date, in one statement:
        0 again when their due date moved"""
        pool = Pool()
        Reminder = pool.get('customer_care.reminder')
        case = cls.__table__()
        reminder = Reminder.__table__()
        level = Coalesce(reminder.select(Max(reminder.level),
                where=(reminder.record_model == cls.__name__)
                & (reminder.record_id == case.id)
                & (reminder.kind == 'escalation')
                & (reminder.due_date == case.due_date)), 0)
        where = case.state.in_(OPEN_STATES) & (
            (case.escalation_level == Null)
            | (case.escalation_level != level))
        if company_id is not None:
            where &= case.company == company_id
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        cursor.execute(*case.update(
                [case.escalation_level], [level], where=where))
        # The cases read before in the transaction are read again
        transaction.counter += 1
        for cache in transaction.cache.values():
            if cls.__name__ in cache:
                cache[cls.__name__].clear()


class Summary(ModelSQL, ModelView):
    "The number of open cases escalated at each level, for the dashboard"
    __name__ = 'customer_care.escalation.summary'
    __string__ = "Escalated Cases by Level"

    company = fields.Many2One('company.company', "Company", readonly=True)
    level = fields.Integer("Level", readonly=True)
    cases = fields.Integer("Cases", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('level', 'ASC'))

    @classmethod
    def table_query(cls):
        pool = Pool()
        Case = pool.get('customer_care.case')
        case = Case.__table__()
        return case.select(
            Min(case.id).as_('id'),
            case.company.as_('company'),
            case.escalation_level.as_('level'),
            Count(case.id).as_('cases'),
            where=case.state.in_(OPEN_STATES) & (case.escalation_level > 0),
            group_by=[case.company, case.escalation_level])
