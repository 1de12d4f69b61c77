#!/usr/bin/env python
# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Time the indicators of the cases answered on time and of the 90th
percentile of the business days to answer over a quarter against the
hand-written SQL of the same figures (one run each, ratio).

    TRYTOND_DATABASE_URI=postgresql://... DB_NAME=test_indicator \\
        python benchmarks/indicator.py [--cases 250000]

It uses the test database (SQLite in memory unless TRYTOND_DATABASE_URI is
set). The cases are inserted by SQL in slices (PostgreSQL takes at most
65,535 parameters a statement), spread over two quarters, a fifth of them
late and a twentieth cancelled.
"""
import argparse
import datetime as dt
import os
import time

os.environ.setdefault('DB_NAME', ':memory:')

from trytond.modules.customer_care.tests.tools import key_db_cache  # noqa: E402

key_db_cache()

from trytond import backend  # noqa: E402
from trytond.modules.company.tests import (  # noqa: E402
    create_company, set_company)
from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    activate_module, with_transaction)
from trytond.transaction import Transaction  # noqa: E402

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
SLICE = 5000


def populate(company, cases):
    pool = Pool()
    Case = pool.get('customer_care.case')
    Party = pool.get('party.party')
    customer, = Party.create([{'name': "Customer"}])
    case = Case.__table__()
    cursor = Transaction().connection.cursor()
    now = dt.datetime.now()
    columns = [case.company, case.customer, case.subject, case.kind,
        case.priority, case.channel, case.received, case.answer_date, case.on_time,
        case.answer_days, case.state, case.create_uid, case.create_date]
    start = dt.datetime(2026, 1, 1, 5)
    for offset in range(0, cases, SLICE):
        rows = []
        for i in range(offset, min(offset + SLICE, cases)):
            # Over 180 days: Q1 and Q2
            answered = start + dt.timedelta(minutes=(i * 1031) % (180 * 1440))
            rows.append([company.id, customer.id, f"Case {i}", 'complaint',
                    'normal', 'phone', answered - dt.timedelta(days=3), answered,
                    i % 5 != 0, (i * 7) % 23,
                    'cancelled' if i % 20 == 1 else 'answered',
                    0, now])
        cursor.execute(*case.insert(columns, rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cases', type=int, default=250000)
    args = parser.parse_args()
    activate_module('customer_care')

    @with_transaction()
    def run():
        pool = Pool()
        Indicator = pool.get('customer_care.indicator')
        company = create_company()
        company.timezone = 'America/Bogota'
        company.save()
        with set_company(company):
            begin = time.perf_counter()
            populate(company, args.cases)
            print(f"populated {args.cases} cases "
                f"in {time.perf_counter() - begin:.1f}s")
            indicator, = Indicator.create([{
                        'code': 'ATO', 'name': "On Time",
                        'measure': 'case_on_time',
                        'direction': 'higher', 'periodicity': 'quarterly',
                        }])
            cursor = Transaction().connection.cursor()
            if backend.name == 'postgresql':
                cursor.execute('ANALYZE customer_care_case')

            begin = time.perf_counter()
            module = indicator.compute(*Q1)
            module_time = time.perf_counter() - begin

            # The quarter in Bogotá (UTC-5) in UTC, as stored
            param = Transaction().database.flavor.param
            begin = time.perf_counter()
            cursor.execute(
                'SELECT SUM(CASE WHEN on_time THEN 1 ELSE 0 END), COUNT(*) '
                'FROM customer_care_case '
                f'WHERE company = {param} AND state != {param} '
                f'AND answer_date >= {param} AND answer_date < {param}',
                (company.id, 'cancelled', dt.datetime(2026, 1, 1, 5),
                    dt.datetime(2026, 4, 1, 5)))
            on_time, total = cursor.fetchone()
            raw_time = time.perf_counter() - begin
            assert module[1:] == (int(on_time), int(total)), (module,
                on_time, total)
            print(f"on time {module[0]} % ({module[1]} / {module[2]})  "
                f"module {module_time * 1000:8.1f} ms  "
                f"raw SQL {raw_time * 1000:8.1f} ms  "
                f"ratio {module_time / raw_time:6.2f}")

            p90, = Indicator.create([{
                        'code': 'D90', 'name': "P90",
                        'measure': 'answer_days_p90',
                        'direction': 'lower', 'periodicity': 'quarterly',
                        }])
            begin = time.perf_counter()
            module = p90.compute(*Q1)
            module_time = time.perf_counter() - begin
            where = (f'WHERE company = {param} AND state != {param} '
                f'AND answer_date >= {param} AND answer_date < {param} '
                'AND answer_days IS NOT NULL')
            params = (company.id, 'cancelled', dt.datetime(2026, 1, 1, 5),
                dt.datetime(2026, 4, 1, 5))
            begin = time.perf_counter()
            if backend.name == 'postgresql':
                cursor.execute(
                    'SELECT PERCENTILE_CONT(0.9) WITHIN GROUP '
                    '(ORDER BY answer_days), COUNT(*) '
                    f'FROM customer_care_case {where}', params)
            else:
                cursor.execute(
                    'SELECT SUM(CASE '
                    'WHEN r = (n - 1) * 90 / 100 + 1 '
                    'THEN d * (1.0 - ((n - 1) * 90 % 100) / 100.0) '
                    'WHEN r = (n - 1) * 90 / 100 + 2 '
                    'THEN d * (((n - 1) * 90 % 100) / 100.0) '
                    'ELSE 0 END), MAX(n) FROM ('
                    'SELECT answer_days AS d, '
                    'ROW_NUMBER() OVER (ORDER BY answer_days) AS r, '
                    'COUNT(*) OVER () AS n '
                    f'FROM customer_care_case {where}) AS ranked', params)
            value, total = cursor.fetchone()
            raw_time = time.perf_counter() - begin
            assert module[0] == round(float(value), 1), (module, value)
            assert module[2] == int(total), (module, total)
            print(f"p90 {module[0]} days ({module[2]} cases)  "
                f"module {module_time * 1000:8.1f} ms  "
                f"raw SQL {raw_time * 1000:8.1f} ms  "
                f"ratio {module_time / raw_time:6.2f}")
    run()


if __name__ == '__main__':
    main()
