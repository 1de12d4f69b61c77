#!/usr/bin/env python
# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Time the set-based work of customer_care against the equivalent raw SQL.

Each measure runs the module's code and the raw SQL that does the same work
in the same database and the same run, and prints their ratio: a ratio that
grows with the number of cases would betray a query per record.

    DB_CACHE=.cache/db python benchmarks/reminder.py [--cases 2000]

It uses the test database (SQLite in memory unless TRYTOND_DATABASE_URI is
set), so it needs nothing else than the test requirements.
"""
import argparse
import datetime as dt
import os
import time

os.environ.setdefault('DB_NAME', ':memory:')

from trytond.modules.customer_care.tests.tools import key_db_cache  # noqa: E402

key_db_cache()

from sql import Literal, Null  # noqa: E402
from sql.aggregate import Count  # noqa: E402
from sql.conditionals import Case as SQLCase  # noqa: E402

from trytond.modules.company.tests import (  # noqa: E402
    create_company, set_company)
from trytond.modules.customer_care.models.calendar import (  # noqa: E402
    get_calendar)
from trytond.modules.customer_care.models.escalation import (  # noqa: E402
    last_due_date)
from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    activate_module, with_transaction)
from trytond.transaction import Transaction  # noqa: E402


def timed(function, repeat=3):
    "Return the best time of repeat runs of function and its last result"
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def populate(cases, customers):
    pool = Pool()
    Case = pool.get('customer_care.case')
    Party = pool.get('party.party')
    Team = pool.get('customer_care.team')
    User = pool.get('res.user')
    agents = User.create([{'name': f"Agent {i}", 'login': f'agent{i}'}
            for i in range(10)])
    manager, coordinator = User.create([
            {'name': "Manager", 'login': 'manager'},
            {'name': "Coordinator", 'login': 'coordinator'},
            ])
    team, = Team.create([{'name': "Team", 'manager': manager.id}])
    # The overdue cases are escalated at level 2 too
    Configuration = pool.get('customer_care.configuration')
    configuration = Configuration(1)
    configuration.escalation_coordinator = coordinator
    configuration.save()
    parties = Party.create([{'name': f"Customer {i}"}
            for i in range(customers)])
    now = dt.datetime.now()
    Case.create([{
                'customer': parties[i % customers].id,
                'subject': f"Case {i}",
                'kind': 'complaint',
                'received': now - dt.timedelta(days=i % 40),
                'team': team.id,
                'responsible': agents[i % len(agents)].id,
                'state': 'assigned',
                } for i in range(cases)])
    return parties


def bench_reminders():
    "The reminder scheduled action against its raw SQL"
    pool = Pool()
    Case = pool.get('customer_care.case')
    Reminder = pool.get('customer_care.reminder')
    Date = pool.get('ir.date')
    Team = pool.get('customer_care.team')
    cursor = Transaction().connection.cursor()
    case = Case.__table__()
    team = Team.__table__()
    reminder = Reminder.__table__()
    today = Date.today()
    # The same limit as the module: 2 business days ahead
    calendar = get_calendar()
    limit = calendar.add_days(today, 2)
    # The default escalation levels: 1 the day after the due date to the
    # team's manager, 2 after 2 business days to the coordinator
    coordinator = Pool().get('customer_care.configuration')(
        1).escalation_coordinator.id

    def module():
        Reminder.send_reminders()
        count = Reminder.search([], count=True)
        cursor.execute(*reminder.delete())
        return count

    def raw():
        # The same work: due or overdue open cases not yet reminded, their
        # reminders and escalations inserted in one statement each
        count = 0
        for kind, level, where, user in [
                ('reminder', 0, case.due_date <= limit, case.responsible),
                ('escalation', 1, case.due_date < today, team.manager),
                ('escalation', 2,
                    case.due_date <= last_due_date(calendar, today, 2),
                    Literal(coordinator)),
                ]:
            query = case.join(team, condition=case.team == team.id
                ).join(reminder, 'LEFT',
                condition=(reminder.record_model == 'customer_care.case')
                & (reminder.record_id == case.id)
                & (reminder.kind == kind)
                & (reminder.due_date == case.due_date)
                & (reminder.level == level)
                ).select(case.id, case.due_date, user,
                    where=where & (reminder.id == Null)
                    & case.state.in_(['registered', 'analysis', 'assigned',
                            'waiting']))
            cursor.execute(*query)
            rows = cursor.fetchall()
            if rows:
                cursor.execute(*reminder.insert(
                        [reminder.record_model, reminder.record_id,
                            reminder.kind, reminder.level, reminder.due_date,
                            reminder.user],
                        [['customer_care.case', r, kind, level, d, u]
                            for r, d, u in rows]))
            count += len(rows)
        cursor.execute(*reminder.delete())
        return count

    module_time, module_count = timed(module)
    raw_time, raw_count = timed(raw)
    return module_time, raw_time, module_count, raw_count


def bench_party_counts(parties):
    "The open and overdue counts of the contact record against raw SQL"
    pool = Pool()
    Party = pool.get('party.party')
    Case = pool.get('customer_care.case')
    Date = pool.get('ir.date')
    cursor = Transaction().connection.cursor()
    case = Case.__table__()
    today = Date.today()
    ids = [p.id for p in parties]

    def module():
        result = Party.get_care_case_counts(
            Party.browse(ids), ['care_open_cases', 'care_overdue_cases'])
        return sum(result['care_open_cases'].values())

    def raw():
        cursor.execute(*case.select(
                case.customer, Count(),
                Count(SQLCase((case.due_date < today, Literal(1)))),
                where=case.customer.in_(ids) & case.state.in_(
                    ['registered', 'analysis', 'assigned', 'waiting']),
                group_by=[case.customer]))
        return sum(r[1] for r in cursor)

    module_time, module_count = timed(module)
    raw_time, raw_count = timed(raw)
    return module_time, raw_time, module_count, raw_count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cases', type=int, default=2000)
    parser.add_argument('--customers', type=int, default=300)
    args = parser.parse_args()
    activate_module('customer_care')

    @with_transaction()
    def run():
        company = create_company()
        with set_company(company):
            start = time.perf_counter()
            parties = populate(args.cases, args.customers)
            print(f"populated {args.cases} cases "
                f"in {time.perf_counter() - start:.1f}s")
            for name, result in [
                    ('reminders', bench_reminders()),
                    ('party counts', bench_party_counts(parties)),
                    ]:
                module_time, raw_time, module_count, raw_count = result
                assert module_count == raw_count, (name, module_count,
                    raw_count)
                print(f"{name:<14} module {module_time * 1000:8.1f} ms  "
                    f"raw SQL {raw_time * 1000:8.1f} ms  "
                    f"ratio {module_time / raw_time:6.1f}  "
                    f"({module_count} rows)")
    run()


if __name__ == '__main__':
    main()
