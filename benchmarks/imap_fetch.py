#!/usr/bin/env python
# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Fetch an IMAP mailbox of many waiting messages into an inbox.

A real Dovecot server (customer_care/tests/imapserver.py; apt-get install
dovecot-imapd) holds the messages; the inbox registers them by batches and
moves them.  Prints the time, the number of commits and the most messages
one commit registered (never all of them: one transaction a batch), and the
peak of Python memory during the fetch (tracemalloc, which slows the fetch
down: --no-memory to time it alone) against the size of the mailbox.

    DB_CACHE=.cache/db python benchmarks/imap_fetch.py [--messages 5000]
        [--batch-size 100] [--size 2000]

It uses the test database (SQLite in memory unless TRYTOND_DATABASE_URI is
set), so it needs nothing else than the test requirements and Dovecot.
"""
import argparse
import os
import time
import tracemalloc
from unittest import mock

os.environ.setdefault('DB_NAME', ':memory:')

from trytond.modules.customer_care.tests.tools import key_db_cache  # noqa: E402

key_db_cache()

from trytond.modules.customer_care.tests import imapserver  # noqa: E402
from trytond.modules.customer_care.tests.test_inbound_email_imap import (  # noqa: E402,E501
    new_message)
from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    DB_NAME, activate_module, drop_db)
from trytond.transaction import Transaction  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--messages', type=int, default=5000)
    parser.add_argument('--batch-size', type=int, default=100)
    parser.add_argument('--size', type=int, default=2000,
        help="bytes of text added to each message")
    parser.add_argument('--no-memory', action='store_true')
    args = parser.parse_args()

    reason = imapserver.skip_reason()
    if reason:
        parser.exit(1, reason + '\n')
    drop_db()
    activate_module(['customer_care'])
    with imapserver.IMAPServer() as server:
        server.add_user('care', 'secret')
        messages = [new_message(i, size=args.size)
            for i in range(args.messages)]
        total = sum(map(len, messages))
        start = time.perf_counter()
        server.append('care', messages)
        print(f"{args.messages} messages ({total / 2**20:.1f} MiB) "
            f"appended in {time.perf_counter() - start:.1f} s")
        del messages

        with Transaction().start(DB_NAME, 0) as transaction:
            Inbox = Pool().get('inbound.email.inbox')
            inbox, = Inbox.create([{
                        'name': "Benchmark",
                        'imap_host': server.host, 'imap_port': server.port,
                        'imap_security': 'none', 'imap_user': 'care',
                        'imap_password': 'secret',
                        'imap_batch_size': args.batch_size,
                        'rules': [('create', [{}])],
                        }])
            transaction.commit()

            commit = Transaction.commit
            counts = []

            def counting(transaction):
                result = commit(transaction)
                cursor = transaction.connection.cursor()
                cursor.execute('SELECT COUNT(*) FROM inbound_email '
                    f'WHERE inbox = {inbox.id}')
                counts.append(cursor.fetchone()[0])
                return result

            if not args.no_memory:
                tracemalloc.start()
            start = time.perf_counter()
            with mock.patch.object(Transaction, 'commit', counting):
                Inbox.fetch_imap([inbox])
            elapsed = time.perf_counter() - start
            peak = None
            if not args.no_memory:
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            inbox = Inbox(inbox.id)
            error = inbox.imap_last_error
        steps = [b - a for a, b in zip([0] + counts, counts)]
        waiting = len(server.uids('care'))
        moved = len(server.uids('care', 'Registered'))

    print(f"fetched in {elapsed:.1f} s "
        f"({elapsed / max(counts[-1], 1) * 1000:.1f} ms a message)")
    print(f"registered {counts[-1]}, moved {moved}, still waiting {waiting}, "
        f"last error: {error}")
    print(f"{len(counts)} commits, at most {max(steps)} messages "
        f"registered by one")
    if peak is not None:
        print(f"peak Python memory {peak / 2**20:.1f} MiB "
            f"for a mailbox of {total / 2**20:.1f} MiB")
    drop_db()


if __name__ == '__main__':
    main()
