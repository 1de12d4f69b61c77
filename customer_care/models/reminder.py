# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reminders before a due date and escalations after it, sent once.

Any model that inherits ``ReminderMixin`` and states what differs (its
tables, open records, due date, users and messages) is reminded by the same
scheduled action: the candidates of every model are found in one query each,
and a reminder is recorded (and so sent) only once for a record, a kind, a
due date and a level (0 for a reminder, 1 and up for the escalations: a
model with escalation levels, as the cases, states them).
"""
import datetime as dt
from collections import defaultdict

from sql import Null
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .calendar import get_calendar
from .ir import context_company
from .notify import language_of, notify_users

KINDS = [
    ('reminder', "Reminder"),
    ('escalation', "Escalation"),
    ]


def is_escalation(kind):
    """Return whether the kind is an escalation (after the due date, to the
    escalation user) rather than a reminder (before it, to the user to
    remind): 'escalation' and the kinds ending with '_escalation'"""
    return kind == 'escalation' or kind.endswith('_escalation')


class ReminderMixin:
    """A model whose records are reminded before and escalated after a date

    It requires, for each record still open:

    - a due date: the user to remind is told from the reminder days of the
      configuration before it (business days), the user to escalate to the
      day after it; the records also have a ``due_date`` attribute, which
      the notification shows;
    - a responsible, the user to remind;
    - an escalation user, the user to escalate to (none for a model that is
      not escalated: it has no escalation messages);
    - a company.

    A model states only what differs, on the tables of the query of its
    candidates (a dictionary with the model's table under the key None):
    ``_reminder_tables``, ``_reminder_open``, ``_reminder_company``,
    ``_reminder_due_date``, ``_reminder_user``, ``_escalation_user`` and
    ``_reminder_messages``. The query is the same for all: the open records
    of the context company due on or before the date for a reminder, before
    the date for an escalation, that have a user to tell.

    ``_reminder_messages`` is a dictionary {kind: (subject message id, body
    message id)} with the ids written out; its keys are the kinds sent for
    the model. A model may remind of another due date of its records with
    kinds of its own (added to the selection of the reminder's kind; those
    ending with ``_escalation`` are escalations) and ``_reminder_where``,
    the condition of the records of a kind. The messages receive the
    variables count (of records), level and lines (a line per record with
    the due date it is reminded of, the most urgent first).

    An escalation is sent at level 1 unless the model states its levels
    with ``_reminder_levels``, the candidates of each level with
    ``_reminder_candidates`` and their messages with ``_reminder_message``
    (see the cases in ``escalation.py``). ``_reminders_sent`` is called
    once all the kinds of the model were sent.
    """
    __slots__ = ()

    @classmethod
    def _reminder_tables(cls):
        "Return the FROM clause of the candidates and its tables"
        table = cls.__table__()
        return table, {None: table}

    @classmethod
    def _reminder_open(cls, tables):
        "Return the condition of the records still to remind of"
        raise NotImplementedError

    @classmethod
    def _reminder_where(cls, tables, kind):
        "Return the condition of the records still to tell about for kind"
        return cls._reminder_open(tables)

    @classmethod
    def _reminder_company(cls, tables):
        "Return the column of the company of the records"
        return tables[None].company

    @classmethod
    def _reminder_due_date(cls, tables, kind):
        "Return the column of the due date of kind"
        return tables[None].due_date

    @classmethod
    def _reminder_user(cls, tables):
        "Return the column of the user to remind"
        raise NotImplementedError

    @classmethod
    def _escalation_user(cls, tables):
        "Return the column of the user to escalate to"
        raise NotImplementedError

    @classmethod
    def _reminder_levels(cls, kind, date):
        "Return the levels of kind to send on date, in their order"
        return [1] if is_escalation(kind) else [0]

    @classmethod
    def _reminder_message(cls, kind, level):
        "Return the (subject message id, body message id) of kind and level"
        return cls._reminder_messages[kind]

    @classmethod
    def _reminders_sent(cls, date):
        "Do what follows the sending of all the kinds for the context company"
        pass

    @classmethod
    def _reminder_candidates(cls, kind, date, level=None):
        """Return the SQL query of the records to tell about for kind.

        The query selects the columns record, due_date and user (the one to
        tell), for the records of the context company that are still open
        and due on or before date (a reminder) or before date (an
        escalation). It may be None when there is none, for a level.
        """
        query, tables = cls._reminder_tables()
        due_date = cls._reminder_due_date(tables, kind)
        if not is_escalation(kind):
            user = cls._reminder_user(tables)
            where = due_date <= date
        else:
            user = cls._escalation_user(tables)
            where = due_date < date
        where &= (cls._reminder_where(tables, kind)
            & (cls._reminder_company(tables)
                == Transaction().context.get('company', -1))
            & (user != Null))
        return query.select(
            tables[None].id.as_('record'), due_date.as_('due_date'),
            user.as_('user'),
            where=where)


class Reminder(ModelSQL, ModelView):
    __name__ = 'customer_care.reminder'
    __string__ = "Reminder"

    record_model = fields.Char("Model", required=True, readonly=True)
    record_id = fields.Integer("Record ID", required=True, readonly=True)
    resource = fields.Function(
        fields.Reference("Resource", selection='get_resources'),
        'get_resource')
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    level = fields.Integer(
        "Level", required=True, readonly=True,
        help="0 for a reminder, the level of an escalation: 1 to the first "
        "person to escalate to, 2 and up to the next ones.")
    due_date = fields.Date("Due Date", required=True, readonly=True)
    date = fields.Date(
        "Date", required=True, readonly=True,
        help="The day of the run of the reminders that sent it.")
    user = fields.Many2One('res.user', "User", readonly=True)
    company = fields.Many2One('company.company', "Company", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('record_kind_due_date_level_unique',
                Unique(t, t.record_model, t.record_id, t.kind, t.due_date,
                    t.level),
                'customer_care.msg_reminder_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.record_model, Index.Equality()),
                    (t.record_id, Index.Equality())),
                Index(t, (t.level, Index.Range())),
                })
        cls._order[0:0] = [('date', 'DESC'), ('create_date', 'DESC')]

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        exist = table_h.table_exist(cls._table)
        level_exists = table_h.column_exist('level')
        date_exists = table_h.column_exist('date')
        super().__register__(module)
        table_h = cls.__table_handler__(module)
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        # Migration from 8.0.0: escalation levels
        table_h.drop_constraint('record_kind_due_date_unique')
        if not level_exists:
            cursor.execute(*table.update([table.level], [0],
                    where=table.level == Null))
            cursor.execute(*table.update([table.level], [1],
                    where=table.kind.in_([k for k, _ in cls.kind.selection
                            if is_escalation(k)])))
        # Migration from 8.0.x: the day of the run, that of the creation
        if exist and not date_exists:
            cursor.execute(*table.select(
                    table.id, table.create_date, where=table.date == Null))
            ids = defaultdict(list)
            for id_, create_date in cursor.fetchall():
                if isinstance(create_date, str):
                    create_date = dt.datetime.fromisoformat(create_date)
                ids[create_date.date()].append(id_)
            for date, date_ids in ids.items():
                for sub_ids in grouped_slice(
                        date_ids, backend.MAX_QUERY_PARAMS):
                    cursor.execute(*table.update(
                            [table.date], [date],
                            where=table.id.in_(list(sub_ids))))

    @classmethod
    def default_level(cls):
        return 0

    @classmethod
    def get_resources(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        return [(None, '')] + [(m, Model.get_name(m))
            for m in cls.remindable_models()]

    def get_resource(self, name):
        return f'{self.record_model},{self.record_id}'

    @classmethod
    def remindable_models(cls):
        pool = Pool()
        return sorted(name for name, Model in pool.iterobject()
            if issubclass(Model, ReminderMixin))

    @classmethod
    def send_reminders(cls, date=None):
        """Send the reminders and escalations due for the context company

        The scheduled action runs it once for each of its companies."""
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        Configuration = pool.get('customer_care.configuration')
        company_id = context_company()
        if company_id is None:
            return
        if date is None:
            date = Date.today()
        calendar = get_calendar(Company(company_id))
        limit = calendar.add_days(date, Configuration(1).reminder_days or 0)
        for model in cls.remindable_models():
            Model = pool.get(model)
            for kind in Model._reminder_messages:
                kind_date = date if is_escalation(kind) else limit
                for level in Model._reminder_levels(kind, kind_date):
                    cls._send(
                        Model, kind, kind_date, company_id, level,
                        run_date=date)
            Model._reminders_sent(date)

    @classmethod
    def _send(cls, Model, kind, date, company_id, level=None,
            run_date=None):
        """Record and send the reminders of kind and level of Model due by
        date, on the day run_date (date by default)"""
        if level is None:
            level = 1 if is_escalation(kind) else 0
        if run_date is None:
            run_date = date
        pool = Pool()
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        reminder = cls.__table__()
        candidates = Model._reminder_candidates(kind, date, level)
        if candidates is None:
            return []
        query = candidates.join(reminder, 'LEFT',
            condition=(reminder.record_model == Model.__name__)
            & (reminder.record_id == candidates.record)
            & (reminder.kind == kind)
            & (reminder.due_date == candidates.due_date)
            & (reminder.level == level)
            ).select(
                candidates.record, candidates.due_date, candidates.user,
                where=reminder.id == Null)
        cursor.execute(*query)
        rows = cursor.fetchall()
        if not rows:
            return []
        columns = [
            reminder.record_model, reminder.record_id, reminder.kind,
            reminder.due_date, reminder.level, reminder.date, reminder.user,
            reminder.company, reminder.create_uid, reminder.create_date]
        # A statement takes a bounded number of parameters
        for sub_rows in grouped_slice(
                rows, backend.MAX_QUERY_PARAMS // len(columns)):
            cursor.execute(*reminder.insert(columns, [
                        [Model.__name__, r, kind, d, level, run_date, u,
                            company_id, transaction.user, CurrentTimestamp()]
                        for r, d, u in sub_rows]))

        # The due date of the query: a record may have several
        by_user = defaultdict(dict)
        for record_id, due_date, user in rows:
            if isinstance(due_date, str):
                # SQLite may return a date of a sub-query as text
                due_date = dt.date.fromisoformat(due_date)
            by_user[user][record_id] = due_date
        subject_msg, body_msg = Model._reminder_message(kind, level)
        for user_id, due_dates in by_user.items():
            user = User(user_id)
            lang = Lang.get(language_of(user))
            # The most urgent first: the earliest due date
            records = Model.browse(
                sorted(due_dates, key=lambda i: (due_dates[i], i)))
            notify_users(
                [user], records, subject_msg, body_msg,
                count=len(records), level=level,
                lines='\n'.join(
                    f'- {r.rec_name}: {lang.strftime(due_dates[r.id])}'
                    for r in records))
        return rows
