# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The HTTP endpoint of the inboxes, through HTTP against a running server.

inbound_email's route ``POST /<db>/inbound_email/inbox/<identifier>`` is
what an MTA (a Postfix pipe to curl) or a mail service posts each message
to.  A WSGI server in a thread serves the test database with trytond's
application (on SQLite, a copy of it in a file): tests/page_server.py, as for the
public pages.
"""
import email.message
import unittest
import urllib.error
import urllib.request

from trytond import config
from trytond.pool import Pool
from trytond.transaction import Transaction

from .page_server import PageServer

DATABASE = 'customer_care_inbound_email_http'


def create_inbox():
    """Create an inbox with two rules; return its id, its identifier and
    the ids of its rules"""
    Inbox = Pool().get('inbound.email.inbox')
    inbox, = Inbox.create([{
                'name': "PQRS",
                'rules': [('create', [{
                                'sequence': 10,
                                'origin': r'^nobody@',
                                }, {
                                'sequence': 20,
                                'subject': r'reclamo',
                                }])],
                }])
    Inbox.new_identifier([inbox])
    return inbox.id, inbox.identifier, [r.id for r in inbox.rules]


def new_message(subject, body="El medidor no funciona.", sender=None):
    message = email.message.EmailMessage()
    message['From'] = sender or 'Ana Pérez <ana@example.com>'
    message['To'] = 'pqrs@example.com'
    message['Subject'] = subject
    message['Message-ID'] = f'<{abs(hash(subject))}@example.com>'
    message.set_content(body)
    message.add_attachment(
        b'%PDF-1.4 factura', maintype='application', subtype='pdf',
        filename='factura.pdf')
    return message.as_bytes()


class InboundEmailHTTPTestCase(unittest.TestCase):
    "The inbox endpoint served over HTTP"

    @classmethod
    def setUpClass(cls):
        cls.server = PageServer(DATABASE, create_inbox)
        cls.inbox_id, cls.identifier, cls.rules = cls.server.filled
        cls.database = cls.server.database
        # To read back what the server stored
        Pool(cls.database).init()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def url(self, identifier=None):
        return (f'{self.server.url}inbound_email/inbox/'
            f'{identifier or self.identifier}')

    def request(self, url, data=None, method='POST',
            content_type='message/rfc822'):
        "Return the status and the body of the answer"
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header('Content-Type', content_type)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def emails(self):
        "Return the inbound e-mails of the inbox, the newest last"
        with Transaction().start(self.database, 0):
            Email = Pool(self.database).get('inbound.email')
            return [{
                    'data': bytes(e.data),
                    'data_type': e.data_type,
                    'rule': e.rule.id if e.rule else None,
                    'subject': e.as_dict().get('subject'),
                    'attachments': [
                        a['filename'] for a in e.as_dict()['attachments']],
                    } for e in Email.search(
                    [('inbox', '=', self.inbox_id)], order=[('id', 'ASC')])]

    def test_post_raw_message(self):
        "A raw MIME message posted is stored and processed by the rules"
        before = len(self.emails())
        message = new_message("Reclamo por facturación")
        status, body = self.request(self.url(), message)
        self.assertEqual(status, 204, body)
        emails = self.emails()
        self.assertEqual(len(emails), before + 1)
        self.assertEqual(emails[-1], {
                'data': message,
                'data_type': 'raw',
                # The second rule: the first matches another sender
                'rule': self.rules[1],
                'subject': "Reclamo por facturación",
                'attachments': ['factura.pdf'],
                })

        # No rule matches: stored, without rule
        message = new_message("Felicitaciones")
        status, _ = self.request(self.url(), message)
        self.assertEqual(status, 204)
        emails = self.emails()
        self.assertEqual(emails[-1]['data'], message)
        self.assertIsNone(emails[-1]['rule'])

    def test_unknown_inbox(self):
        "An unknown identifier is not found, and nothing is stored"
        before = len(self.emails())
        status, _ = self.request(
            self.url('0123456789abcdef0123456789abcdef'),
            new_message("Reclamo"))
        self.assertEqual(status, 404)
        self.assertEqual(len(self.emails()), before)

    def test_wrong_method(self):
        "Only POST is allowed"
        for method in ['GET', 'PUT', 'DELETE']:
            status, _ = self.request(
                self.url(), new_message("Reclamo") if method != 'GET'
                else None, method=method)
            self.assertEqual(status, 405, method)

    def test_too_large(self):
        "A message over inbound_email's max_size is refused, not stored"
        max_size = config.getint(
            'inbound_email', 'max_size',
            default=config.getint('request', 'max_size'))
        before = len(self.emails())
        message = new_message("Reclamo", body='x' * max_size)
        self.assertGreater(len(message), max_size)
        status, _ = self.request(self.url(), message)
        self.assertEqual(status, 413)
        self.assertEqual(len(self.emails()), before)
