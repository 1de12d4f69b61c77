# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""End to end: e-mails in a real IMAP mailbox (Dovecot, tests/imapserver.py)
become cases when trytond's scheduler runs the fetch of the inbox, replies
join their case's discussion, auto-replies open nothing, and the customer
receives the acknowledgement in the real SMTP sink (tests/mailsink.py).

The team of the cases assigns them in turn (round robin), which locks its
row: trytond's scheduler restarts the fetch with the lock (TransactionError),
and nothing is registered twice."""
import datetime as dt
import email
import email.message
import email.policy
import email.utils
import os
import unittest

from trytond.modules.company.tests import set_company
from trytond.modules.customer_care.tests import imapserver, tools
from trytond.modules.customer_care.tests.test_customer_email import (
    delivered)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction, TransactionError

PASSWORD = 'secret'
CUSTOMER = 'lucia.gomez@example.com'


def message(subject, body, sender=f'Lucía Gómez <{CUSTOMER}>', **headers):
    "Return the bytes of a MIME message, CRLF ended as IMAP keeps them"
    msg = email.message.EmailMessage()
    msg['From'] = sender
    msg['To'] = 'pqrs@example.com'
    msg['Subject'] = subject
    msg['Date'] = email.utils.format_datetime(
        dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.timezone.utc))
    msg['Message-ID'] = email.utils.make_msgid(domain='example.com')
    for name, value in headers.items():
        msg[name.replace('_', '-')] = value
    msg.set_content(body)
    return msg.as_bytes().replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')


class CaseEmailIMAPTestCase(unittest.TestCase):
    "E-mails fetched from a real IMAP mailbox become cases"

    @classmethod
    def setUpClass(cls):
        reason = imapserver.skip_reason()
        if reason:
            raise unittest.SkipTest(reason)
        if not os.environ.get('CUSTOMER_CARE_MAIL_DIR'):
            tools.start_mail_sink()
        drop_db()
        activate_module(['customer_care'])
        cls.server = imapserver.IMAPServer()
        cls.server.add_user('pqrs', PASSWORD)

    @classmethod
    def tearDownClass(cls):
        cls.server.close()
        drop_db()

    def setUp(self):
        extras = {}
        while True:
            with Transaction().start(DB_NAME, 0, **extras) as transaction:
                try:
                    self.set_up()
                except TransactionError as error:
                    transaction.rollback()
                    error.fix(extras)
                    continue
                transaction.commit()
                break

    def set_up(self):
        "Create a company, a team in turns and an inbox fetching the mailbox"
        if True:
            pool = Pool()
            Configuration = pool.get('customer_care.configuration')
            Cron = pool.get('ir.cron')
            Inbox = pool.get('inbound.email.inbox')
            Team = pool.get('customer_care.team')
            User = pool.get('res.user')
            company, _ = tools.create_company_customer()
            agents = User.create([{
                        'login': f'agent{i}', 'name': f"Agent {i}",
                        } for i in range(2)])
            with set_company(company):
                team, = Team.create([{
                            'name': "Front desk",
                            'assignment_method': 'round_robin',
                            'members': [('add', [a.id for a in agents])],
                            }])
                configuration = Configuration(1)
                configuration.default_team = team
                configuration.save()
            inbox, = Inbox.create([{
                        'name': "Customer care",
                        'company': company.id,
                        'imap_host': '127.0.0.1',
                        'imap_port': self.server.port,
                        'imap_security': 'none',
                        'imap_user': 'pqrs',
                        'imap_password': PASSWORD,
                        'imap_fetch': True,
                        'rules': [('create', [{
                                        'action': ('customer_care.case'
                                            '|from_inbound_email'),
                                        }])],
                        }])
            # Only the fetch is due
            crons = Cron.search([])
            Cron.write(crons, {'active': False})
            fetch, = Cron.search([
                    ('method', '=', 'inbound.email.inbox|fetch_imap_inboxes'),
                    ('active', '=', False),
                    ])
            fetch.active = True
            fetch.next_call = None
            fetch.save()
            self.cron_id = fetch.id
            self.inbox_id = inbox.id
            self.agent_ids = [a.id for a in agents]

    def run_scheduler(self):
        "Run the due scheduled actions as trytond-cron does"
        with Transaction().start(DB_NAME, 0) as transaction:
            Cron = Pool().get('ir.cron')
            cron = Cron(self.cron_id)
            cron.next_call = None
            cron.save()
            transaction.commit()
        Pool(DB_NAME).get('ir.cron').run(DB_NAME)

    def test_mailbox_to_cases(self):
        "A complaint, its reply and an auto-reply fetched by the scheduler"
        self.server.append('pqrs', [
                message(
                    "Cobro doble en la factura de noviembre",
                    "Buenas tardes, me cobraron dos veces la factura."),
                message(
                    "Respuesta automática: fuera de la oficina",
                    "Estoy de vacaciones.", sender='robot@example.com',
                    Auto_Submitted='auto-replied'),
                message(
                    "Reclamo por corte del servicio",
                    "Llevo dos días sin servicio.",
                    sender=f'Lucía Gómez <{CUSTOMER}>'),
                ])
        self.run_scheduler()

        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            Case = pool.get('customer_care.case')
            Email = pool.get('inbound.email')
            cases = Case.search([], order=[('id', 'ASC')])
            self.assertEqual(
                [c.subject for c in cases], [
                    "Cobro doble en la factura de noviembre",
                    "Reclamo por corte del servicio"])
            first, second = cases
            for case in cases:
                self.assertEqual(case.channel, 'email')
                self.assertEqual(case.state, 'registered')
                self.assertEqual(case.contact_email, CUSTOMER)
                self.assertTrue(case.due_date)
                self.assertEqual(case.received, dt.datetime(2026, 11, 30, 14))
            # One party made from the first e-mail, found for the second
            self.assertEqual(first.customer, second.customer)
            self.assertTrue(first.customer.created_from_email)
            self.assertEqual(first.customer.name, "Lucía Gómez")
            # The team's members in turn: the lock did not stop the fetch
            self.assertEqual(
                sorted(c.responsible.id for c in cases),
                sorted(self.agent_ids))
            emails = Email.search([('inbox', '=', self.inbox_id)])
            self.assertEqual(len(emails), 3)
            self.assertEqual(
                sorted(str(e.result) for e in emails if e.result),
                sorted(str(c) for c in cases))
            number = first.number
            first_id = first.id

        # Moved out of the inbox, each once
        self.assertEqual(self.server.uids('pqrs'), [])
        self.assertEqual(len(self.server.uids('pqrs', 'Registered')), 3)
        # The customer has the acknowledgement of each case, not the robot
        acknowledgements = delivered(CUSTOMER)
        self.assertEqual(len(acknowledgements), 2)
        self.assertTrue(any(number in m['Subject'] for m in acknowledgements))
        self.assertEqual(delivered('robot@example.com'), [])

        # The customer's reply joins the first case's discussion
        self.server.append('pqrs', [message(
                    f"RE: [{number}] Cobro doble en la factura de noviembre",
                    "Adjunto el extracto bancario.\n\n> Hemos recibido")])
        self.run_scheduler()
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            Case = pool.get('customer_care.case')
            Message = pool.get('ir.chat.message')
            self.assertEqual(Case.search([], count=True), 2)
            messages = Message.search([
                    ('channel.resource', '=', f'customer_care.case,{first_id}'),
                    ('email', '=', CUSTOMER),
                    ])
            self.assertEqual(len(messages), 1)
            self.assertIn("extracto bancario", messages[0].content)
            self.assertNotIn("Hemos recibido", messages[0].content)
        self.assertEqual(len(self.server.uids('pqrs', 'Registered')), 4)
        self.assertEqual(len(delivered(CUSTOMER)), 2)
