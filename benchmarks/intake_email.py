#!/usr/bin/env python
# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Time the registration of cases from e-mails against a plain create.

N raw e-mails go through the inbox as the HTTP route runs them (an
inbound.email each, Inbox.process: parse, noise and flood checks, sender to
party, case, attachments, routing rules, legal term, acknowledgement); the
same N cases are then created with one plain Case.create. The ratio is the
cost of the intake per case, in the same database and the same run.

    DB_CACHE=.cache/db python benchmarks/intake_email.py [--cases 1000]

It uses the test database (SQLite in memory unless TRYTOND_DATABASE_URI is
set), so it needs nothing else than the test requirements.
"""
import argparse
import datetime as dt
import os
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

os.environ.setdefault('DB_NAME', ':memory:')

from trytond.modules.customer_care.tests.tools import key_db_cache  # noqa: E402

key_db_cache()

from trytond.modules.company.tests import set_company  # noqa: E402
from trytond.modules.customer_care.tests.tools import (  # noqa: E402
    create_company_customer, start_mail_sink)
from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    activate_module, with_transaction)

SUBJECTS = [
    "Medidor dañado", "Factura con cobro doble", "Corte sin aviso",
    "Solicitud de copia del contrato", "Felicitaciones al técnico",
    "Queja por demora en la instalación"]


def messages(count, senders):
    "Return count raw e-mails from senders addresses"
    now = dt.datetime.now(dt.timezone.utc)
    result = []
    for i in range(count):
        msg = EmailMessage()
        sender = i % senders
        msg['From'] = f"Cliente {sender} <cliente{sender}@example.com>"
        msg['To'] = 'pqrs@empresa.example'
        msg['Subject'] = f"{SUBJECTS[i % len(SUBJECTS)]} {i}"
        msg['Date'] = format_datetime(now - dt.timedelta(minutes=i))
        msg['Message-ID'] = make_msgid(domain='example.com')
        msg.set_content(
            "Buenos días,\n\nLes escribo porque el medidor de mi casa "
            f"no marca desde el lunes (mensaje {i}).\n\nGracias.")
        if i % 4 == 0:
            msg.add_attachment(
                b'%PDF-1.4 ' + b'x' * 2000, maintype='application',
                subtype='pdf', filename='factura.pdf')
        result.append(msg.as_bytes())
    return result


def setup(senders):
    pool = Pool()
    Inbox = pool.get('inbound.email.inbox')
    Rule = pool.get('inbound.email.rule')
    Party = pool.get('party.party')
    RoutingRule = pool.get('customer_care.routing.rule')
    Team = pool.get('customer_care.team')
    company, customer = create_company_customer()
    inbox = Inbox(
        name="PQRS", company=company, care_sender_limit=None,
        care_addresses='pqrs@empresa.example',
        rules=[Rule(action='customer_care.case|from_inbound_email')])
    inbox.save()
    team, = Team.create([{'name': "Facturación", 'company': company.id}])
    RoutingRule.create([{
                'name': "Facturas", 'keywords': "factura, cobro",
                'team': team.id}])
    # Half the senders are known customers
    Party.create([{
                'name': f"Cliente {i}",
                'contact_mechanisms': [('create', [{
                                'type': 'email',
                                'value': f'cliente{i}@example.com'}])],
                } for i in range(0, senders, 2)])
    return company, inbox


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--cases', type=int, default=1000)
    parser.add_argument('--senders', type=int, default=200)
    args = parser.parse_args()
    # The acknowledgements go to a local sink, as in the tests
    start_mail_sink()
    activate_module('customer_care')

    @with_transaction()
    def run():
        pool = Pool()
        Case = pool.get('customer_care.case')
        Email = pool.get('inbound.email')
        company, inbox = setup(args.senders)
        raws = messages(args.cases, args.senders)
        with set_company(company):
            start = time.perf_counter()
            emails = []
            for raw in raws:
                email_, = Email.from_webhook(inbox, raw, 'raw')
                inbox.process(email_)
                emails.append(email_)
            Email.save(emails)
            intake = time.perf_counter() - start
            cases = Case.search([])
            assert len(cases) == args.cases, len(cases)
            assert all(e.care_status == 'registered' for e in emails)

            rows = [{
                    'company': c.company.id,
                    'customer': c.customer.id,
                    'channel': 'email',
                    'subject': c.subject,
                    'description': c.description,
                    'contact_email': c.contact_email,
                    'contact_name': c.contact_name,
                    'received': c.received,
                    } for c in cases]
            start = time.perf_counter()
            Case.create(rows)
            plain = time.perf_counter() - start
        print(f"intake of {args.cases} e-mails {intake:8.2f} s "
            f"({intake / args.cases * 1000:6.1f} ms per case)")
        print(f"plain Case.create        {plain:8.2f} s "
            f"({plain / args.cases * 1000:6.1f} ms per case)")
        print(f"ratio {intake / plain:6.1f}")
    run()


if __name__ == '__main__':
    main()
