# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The IMAP fetch of the inboxes, against a real Dovecot server.

Each test has its own mailbox user and inbox on one server (tests/
imapserver.py) started for the class; the fetch commits its batches, so the
tests read back what it committed in new transactions.  The inboxes' rule has
no action: what the rules do with a message is not the transport's business.
"""
import datetime as dt
import email.message
import email.utils
import functools
import ssl
import tracemalloc
import unittest
from unittest import mock

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.customer_care.models import inbound_email_imap as imap
from trytond.modules.customer_care.models.inbound_email_imap import (
    imap_folder_name, is_loopback, message_id, uid_set)
from trytond.modules.customer_care.tests import imapserver
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

PASSWORD = 'pass word "quoted" \\ contraseña'


def new_message(number, subject=None, size=0, message_id_=True,
        attachment=False):
    "Return the bytes of a MIME message, CRLF ended as IMAP keeps them"
    message = email.message.EmailMessage()
    message['From'] = f'Cliente {number} <cliente{number}@example.com>'
    message['To'] = 'pqrs@example.com'
    message['Subject'] = subject or f"Reclamo número {number}"
    message['Date'] = email.utils.format_datetime(
        dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc))
    if message_id_:
        message['Message-ID'] = f'<m{number}.{id(message)}@example.com>'
    message.set_content(
        f"Buenos días, el servicio {number} falló.\n" + 'x' * size)
    if attachment:
        message.add_attachment(
            b'%PDF-1.4 factura', maintype='application', subtype='pdf',
            filename='factura.pdf')
    return message.as_bytes().replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')


class IMAPToolsTestCase(unittest.TestCase):
    "The helpers of the IMAP fetch"

    def test_uid_set(self):
        "UIDs are sent to the server as ranges"
        self.assertEqual(uid_set([7, 1, 2, 3, 9, 10, 3]), '1:3,7,9:10')
        self.assertEqual(uid_set([5]), '5')
        self.assertEqual(uid_set([]), '')

    def test_folder_name(self):
        "Folder names are quoted in modified UTF-7"
        self.assertEqual(imap_folder_name('INBOX'), '"INBOX"')
        self.assertEqual(imap_folder_name('Atención'), '"Atenci&APM-n"')
        self.assertEqual(imap_folder_name('A&B "x"'), '"A&-B \\"x\\""')
        self.assertEqual(imap_folder_name('日本語'), '"&ZeVnLIqe-"')

    def test_loopback(self):
        "Only the addresses of this machine count as loopback"
        for host in ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost',
                'LOCALHOST']:
            self.assertTrue(is_loopback(host), host)
        for host in ['10.0.0.1', 'mail.example.com', '', None,
                'localhost.example.com', '128.0.0.1']:
            self.assertFalse(is_loopback(host), host)

    def test_message_id(self):
        "The Message-ID is read from the headers, folded or missing"
        self.assertEqual(message_id(
                b'Subject: x\r\nMessage-ID:\r\n <a@b>\r\n\r\nbody'), '<a@b>')
        self.assertIsNone(message_id(b'Subject: x\r\n\r\nbody'))
        self.assertIsNone(message_id(b'\xff\xfe'))


class InboundEmailIMAPTestCase(unittest.TestCase):
    "The IMAP fetch of an inbox against a real Dovecot server"

    @classmethod
    def setUpClass(cls):
        reason = imapserver.skip_reason()
        if reason:
            raise unittest.SkipTest(reason)
        drop_db()
        activate_module(['customer_care'])
        cls.server = imapserver.IMAPServer()

    @classmethod
    def tearDownClass(cls):
        cls.server.close()
        drop_db()

    def new_inbox(self, user, server=None, **values):
        "Return the id of a new inbox fetching the new mailbox of user"
        server = server or self.server
        server.add_user(user, PASSWORD)
        values.setdefault('imap_host', '127.0.0.1')
        values.setdefault('imap_port', server.port)
        values.setdefault('imap_security', 'none')
        values.setdefault('imap_user', user)
        values.setdefault('imap_password', PASSWORD)
        values.setdefault('imap_fetch', True)
        with Transaction().start(DB_NAME, 0) as transaction:
            Inbox = Pool().get('inbound.email.inbox')
            inbox, = Inbox.create([{
                        'name': user,
                        'rules': [('create', [{}])],
                        **values}])
            transaction.commit()
            return inbox.id

    def fetch(self, *inbox_ids):
        with Transaction().start(DB_NAME, 0) as transaction:
            Inbox = Pool().get('inbound.email.inbox')
            Inbox.fetch_imap(Inbox.browse(inbox_ids))
            transaction.commit()

    def inbox(self, inbox_id):
        "Return the last fetch and the last error of the inbox"
        with Transaction().start(DB_NAME, 0):
            inbox = Pool().get('inbound.email.inbox')(inbox_id)
            return inbox.imap_last_fetch, inbox.imap_last_error

    def emails(self, inbox_id):
        """Return the inbound e-mails of the inbox as dicts, by UID"""
        with Transaction().start(DB_NAME, 0):
            Email = Pool().get('inbound.email')
            emails = Email.search(
                [('inbox', '=', inbox_id)], order=[('id', 'ASC')])
            return [{
                    'uid': e.imap_uid,
                    'uidvalidity': e.imap_uidvalidity,
                    'folder': e.imap_folder,
                    'message_id': e.imap_message_id,
                    'data': bytes(e.data),
                    'data_type': e.data_type,
                    'rule': e.rule.id if e.rule else None,
                    'error': e.imap_error,
                    'subject': e.as_dict().get('subject'),
                    } for e in emails]

    def assertOneEach(self, inbox_id, messages):
        "Assert the inbox registered each message once, as it was sent"
        emails = self.emails(inbox_id)
        self.assertEqual(
            sorted(e['data'] for e in emails), sorted(messages))
        self.assertEqual(len({e['uid'] for e in emails}), len(messages))
        return emails

    def test_two_servers(self):
        "Two servers run at once, each with its folder and port"
        with imapserver.IMAPServer() as other:
            self.assertNotEqual(other.port, self.server.port)
            self.assertNotEqual(other.directory, self.server.directory)
            other.add_user('other', 'secret')
            self.assertEqual(other.append('other', [new_message(1)]), [1])
            self.assertEqual(other.uids('other'), [1])
        self.assertIsNone(other.directory)

    def test_tls(self):
        "SSL/TLS and STARTTLS, with the server's certificate checked"
        with imapserver.IMAPServer(tls=True) as server:
            ssl_inbox = self.new_inbox('ssl', server=server,
                imap_security='ssl', imap_port=server.ssl_port)
            starttls_inbox = self.new_inbox('starttls', server=server,
                imap_security='starttls')
            for user in ['ssl', 'starttls']:
                server.append(user, [new_message(1)])

            # A certificate this machine does not trust
            self.fetch(ssl_inbox, starttls_inbox)
            for inbox_id in [ssl_inbox, starttls_inbox]:
                self.assertIn('CERTIFICATE_VERIFY_FAILED',
                    self.inbox(inbox_id)[1])
                self.assertEqual(self.emails(inbox_id), [])

            trusted = functools.partial(
                ssl.create_default_context, cafile=server.cafile)
            with mock.patch.object(imap.ssl, 'create_default_context',
                    trusted):
                self.fetch(ssl_inbox, starttls_inbox)
            for inbox_id, user in [
                    (ssl_inbox, 'ssl'), (starttls_inbox, 'starttls')]:
                self.assertIsNone(self.inbox(inbox_id)[1])
                self.assertEqual(len(self.emails(inbox_id)), 1)
                self.assertEqual(server.uids(user), [])

    def test_move_without_move_extension(self):
        "A server without MOVE: copied, deleted and expunged"
        base = ('IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ '
            'AUTH=PLAIN')
        for capabilities, expunged in [
                (base + ' UIDPLUS', [2]), (base, [])]:
            with imapserver.IMAPServer(
                    settings=f'imap_capability = {capabilities}') as server:
                inbox_id = self.new_inbox('nomove', server=server)
                server.append('nomove', [new_message(1)])
                # Marked as deleted by somebody, not fetched
                server.append('nomove', [new_message(2)], flags='\\Deleted')
                self.fetch(inbox_id)
                self.assertIsNone(self.inbox(inbox_id)[1])
                self.assertEqual(len(self.emails(inbox_id)), 1)
                self.assertEqual(len(server.uids('nomove', 'Registered')), 1)
                # With UIDPLUS only the registered one is expunged
                self.assertEqual(server.uids('nomove'), expunged)

    def test_fetch_moves_and_registers_once(self):
        "A fetch registers the waiting messages and moves them, once"
        inbox_id = self.new_inbox('move')
        messages = [new_message(1), new_message(2, attachment=True),
            new_message(3, message_id_=False)]
        uids = self.server.append('move', messages)

        self.fetch(inbox_id)

        emails = self.assertOneEach(inbox_id, messages)
        self.assertEqual([e['uid'] for e in emails], uids)
        for e in emails:
            self.assertEqual(e['data_type'], 'raw')
            self.assertEqual(e['folder'], 'INBOX')
            self.assertIsNotNone(e['uidvalidity'])
            # Processed by the inbox's rule
            self.assertIsNotNone(e['rule'])
            self.assertIsNone(e['error'])
        self.assertEqual(emails[0]['subject'], "Reclamo número 1")
        self.assertRegex(emails[0]['message_id'], r'^<m1\.\d+@example\.com>$')
        self.assertIsNone(emails[2]['message_id'])
        self.assertEqual(self.server.uids('move'), [])
        moved = self.server.flags('move', 'Registered')
        self.assertEqual(len(moved), 3)
        self.assertTrue(all('\\Seen' in f for f in moved.values()))
        last_fetch, last_error = self.inbox(inbox_id)
        self.assertIsNotNone(last_fetch)
        self.assertIsNone(last_error)

        # Nothing new: nothing registered
        self.fetch(inbox_id)
        self.assertEqual(len(self.emails(inbox_id)), 3)

        # The new ones only
        more = [new_message(4), new_message(5)]
        self.server.append('move', more)
        self.fetch(inbox_id)
        self.assertOneEach(inbox_id, messages + more)
        self.assertEqual(len(self.server.uids('move', 'Registered')), 5)

    def test_flag_mode(self):
        "Flagged once registered, read or not by someone before"
        inbox_id = self.new_inbox(
            'flag', imap_registered='flag', imap_keyword='$Registrado')
        messages = [new_message(1), new_message(2)]
        self.server.append('flag', messages[:1])
        # Read in a mail client before the fetch: registered all the same
        self.server.append('flag', messages[1:], flags='\\Seen')

        self.fetch(inbox_id)

        self.assertOneEach(inbox_id, messages)
        flags = self.server.flags('flag')
        self.assertEqual(len(flags), 2)
        for value in flags.values():
            self.assertLessEqual({'\\Seen', '$Registrado'}, value)
        self.assertNotIn('Registered', self.server.folders('flag'))
        self.fetch(inbox_id)
        self.assertEqual(len(self.emails(inbox_id)), 2)

    def test_other_folders(self):
        "A folder of another name, a registered folder with accents"
        inbox_id = self.new_inbox('folders',
            imap_folder='Atención', imap_registered_folder='Registrados ñ')
        messages = [new_message(1)]
        self.server.append('folders', messages, folder='Atención')
        self.server.append('folders', [new_message(2)])
        self.fetch(inbox_id)
        emails = self.assertOneEach(inbox_id, messages)
        self.assertEqual(emails[0]['folder'], 'Atención')
        self.assertEqual(self.server.uids('folders', 'Atención'), [])
        self.assertEqual(
            len(self.server.uids('folders', 'Registrados ñ')), 1)
        # The INBOX is not this inbox's folder
        self.assertEqual(len(self.server.uids('folders')), 1)

    def test_processing_failure(self):
        "A message whose processing fails is registered with its error"
        inbox_id = self.new_inbox('failure', imap_batch_size=4)
        messages = [new_message(i) for i in range(6)]
        self.server.append('failure', messages)
        Inbox = Pool(DB_NAME).get('inbound.email.inbox')
        process = Inbox.process
        calls = []
        uids = self.server.uids('failure')

        def failing(self, email_):
            calls.append(email_.imap_uid)
            if email_.imap_uid == uids[2]:
                raise ValueError("the rule broke")
            return process(self, email_)

        with mock.patch.object(Inbox, 'process', failing):
            self.fetch(inbox_id)

        emails = self.assertOneEach(inbox_id, messages)
        failed = [e for e in emails if e['error']]
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed[0]['uid'], uids[2])
        self.assertIn('ValueError: the rule broke', failed[0]['error'])
        self.assertIsNone(failed[0]['rule'])
        self.assertTrue(all(e['rule'] for e in emails if not e['error']))
        # The batch of the failure was registered again one by one
        self.assertEqual(len(calls), 6 + 3)
        # Every message moved, the failed one too: it is registered
        self.assertEqual(self.server.uids('failure'), [])
        self.assertEqual(len(self.server.uids('failure', 'Registered')), 6)
        self.assertIsNone(self.inbox(inbox_id)[1])

        # A clean fetch registers nothing more
        self.fetch(inbox_id)
        self.assertOneEach(inbox_id, messages)

        # Processed again from the inbox: the error is gone
        with Transaction().start(DB_NAME, 0) as transaction:
            Email = Pool().get('inbound.email')
            email_, = Email.search([
                    ('inbox', '=', inbox_id),
                    ('imap_uid', '=', failed[0]['uid'])])
            Email.process([email_])
            transaction.commit()
        emails = self.emails(inbox_id)
        self.assertTrue(all(e['rule'] and not e['error'] for e in emails))

    def test_database_failure(self):
        "The database fails on the commit of a batch: nothing lost"
        inbox_id = self.new_inbox('database', imap_batch_size=3)
        messages = [new_message(i) for i in range(8)]
        self.server.append('database', messages)
        commit = Transaction.commit
        commits = []

        def failing(transaction):
            commits.append(1)
            if len(commits) == 2:
                transaction.rollback()
                raise backend.DatabaseOperationalError("database went away")
            return commit(transaction)

        with mock.patch.object(Transaction, 'commit', failing):
            self.fetch(inbox_id)

        # The first batch registered and moved, no more
        self.assertEqual(len(self.emails(inbox_id)), 3)
        self.assertEqual(len(self.server.uids('database')), 5)
        self.assertEqual(len(self.server.uids('database', 'Registered')), 3)
        last_fetch, last_error = self.inbox(inbox_id)
        self.assertIn('database went away', last_error)
        self.assertIn('stay in the mailbox', last_error)

        self.fetch(inbox_id)
        self.assertOneEach(inbox_id, messages)
        self.assertEqual(self.server.uids('database'), [])
        self.assertEqual(len(self.server.uids('database', 'Registered')), 8)
        self.assertIsNone(self.inbox(inbox_id)[1])

    def test_connection_closed_mid_batch(self):
        """The server closes the connection while a batch is registered:
        registered, but not moved, it is only moved by the next fetch"""
        inbox_id = self.new_inbox('closed', imap_batch_size=3)
        # Without Message-ID: found registered by their UID alone
        messages = [new_message(i, message_id_=False) for i in range(7)]
        self.server.append('closed', messages)
        Inbox = Pool(DB_NAME).get('inbound.email.inbox')
        process = Inbox.process
        calls = []
        server = self.server

        def kicking(self, email_):
            calls.append(email_.imap_uid)
            if len(calls) == 5:
                # The second batch, after its bodies were fetched
                assert server.kick('closed')
            return process(self, email_)

        with mock.patch.object(Inbox, 'process', kicking):
            self.fetch(inbox_id)

        # Two batches committed, the second one not moved
        self.assertEqual(len(self.emails(inbox_id)), 6)
        self.assertEqual(len(self.server.uids('closed', 'Registered')), 3)
        self.assertEqual(len(self.server.uids('closed')), 4)
        self.assertIn('stopped', self.inbox(inbox_id)[1])

        with mock.patch.object(Inbox, 'process', kicking):
            calls.clear()
            self.fetch(inbox_id)
        # Only the last message processed: the others were recorded
        self.assertEqual(len(calls), 1)
        self.assertOneEach(inbox_id, messages)
        self.assertEqual(self.server.uids('closed'), [])
        self.assertEqual(len(self.server.uids('closed', 'Registered')), 7)
        self.assertIsNone(self.inbox(inbox_id)[1])

    def test_same_message_id(self):
        "A message already registered under another UID is only moved"
        inbox_id = self.new_inbox('duplicate', imap_registered='flag')
        message = new_message(1)
        self.server.append('duplicate', [message, message])
        self.fetch(inbox_id)
        emails = self.emails(inbox_id)
        self.assertEqual(len(emails), 1)
        # Put back by someone: not registered again
        self.server.append('duplicate', [message])
        self.fetch(inbox_id)
        self.assertEqual(len(self.emails(inbox_id)), 1)
        flags = self.server.flags('duplicate')
        self.assertEqual(len(flags), 3)
        self.assertTrue(all('Registered' in f for f in flags.values()))

    def test_too_large(self):
        "A message over max_size is registered by its headers, with why"
        inbox_id = self.new_inbox('large')
        messages = [new_message(1), new_message(2, size=4096)]
        self.server.append('large', messages)
        with mock.patch.object(imap, 'imap_max_size', return_value=3000):
            self.fetch(inbox_id)
        emails = self.emails(inbox_id)
        self.assertEqual(len(emails), 2)
        small, large = sorted(emails, key=lambda e: bool(e['error']))
        self.assertIsNone(small['error'])
        self.assertNotEqual(large['data'], messages[1])
        self.assertTrue(messages[1].startswith(large['data'].rstrip()))
        self.assertIn('larger than the limit of 3000 bytes', large['error'])
        self.assertIsNone(large['rule'])
        self.assertEqual(self.server.uids('large'), [])

    def test_imap_failures(self):
        "Refused connection, login or folder: said on the inbox, next inbox"
        good = self.new_inbox('good')
        refused = self.new_inbox('refused',
            imap_port=imapserver.free_port())
        login = self.new_inbox('login', imap_password='wrong')
        folder = self.new_inbox('folder', imap_folder='Missing')
        unset = self.new_inbox('unset', imap_fetch=False, imap_host=None)
        self.server.append('good', [new_message(1)])

        self.fetch(refused, login, folder, unset, good)

        self.assertIn('has no IMAP server', self.inbox(unset)[1])

        self.assertIn('Could not connect', self.inbox(refused)[1])
        self.assertIn('refused the login of user "login"',
            self.inbox(login)[1])
        self.assertIn('folder "Missing"', self.inbox(folder)[1])
        for inbox_id in [refused, login, folder]:
            self.assertIsNotNone(self.inbox(inbox_id)[0])
            self.assertEqual(self.emails(inbox_id), [])
        self.assertEqual(len(self.emails(good)), 1)
        self.assertIsNone(self.inbox(good)[1])

    def test_timeout(self):
        "A server that does not answer is given up after the timeout"
        import socket
        with socket.socket() as silent:
            silent.bind(('127.0.0.1', 0))
            silent.listen()
            inbox_id = self.new_inbox(
                'silent', imap_port=silent.getsockname()[1])
            with mock.patch.object(imap, 'imap_timeout', return_value=0.5):
                self.fetch(inbox_id)
        self.assertIn('Could not connect', self.inbox(inbox_id)[1])

    def test_many_messages_bounded(self):
        "Many waiting messages: bounded batches, bounded memory"
        count, size = 200, 10
        inbox_id = self.new_inbox('many', imap_batch_size=size)
        messages = [new_message(i, size=40000) for i in range(count)]
        self.server.append('many', messages)
        total = sum(len(m) for m in messages)
        del messages
        commit = Transaction.commit
        registered = []

        def counting(transaction):
            result = commit(transaction)
            cursor = transaction.connection.cursor()
            cursor.execute('SELECT COUNT(*) FROM inbound_email '
                f'WHERE inbox = {inbox_id}')
            registered.append(cursor.fetchone()[0])
            return result

        tracemalloc.start()
        try:
            with mock.patch.object(Transaction, 'commit', counting):
                self.fetch(inbox_id)
            current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        steps = [b - a for a, b in zip([0] + registered, registered)]
        self.assertEqual(registered[-1], count)
        self.assertLessEqual(max(steps), size)
        self.assertGreaterEqual(len([s for s in steps if s]), count // size)
        # 8 MB waiting, a tenth of them at most in memory at once
        self.assertLess(peak, total / 4)
        self.assertEqual(self.server.uids('many'), [])
        self.assertEqual(len(self.server.uids('many', 'Registered')), count)

    def test_insecure_remote_refused(self):
        "No encryption is refused for a server that is not loopback"
        with Transaction().start(DB_NAME, 0) as transaction:
            Inbox = Pool().get('inbound.email.inbox')
            with self.assertRaises(UserError) as context:
                Inbox.create([{
                            'name': "Remote",
                            'imap_host': 'mail.example.com',
                            'imap_security': 'none',
                            }])
            self.assertIn('without encryption', str(context.exception))
            inbox, = Inbox.create([{
                        'name': "Remote",
                        'imap_host': 'mail.example.com',
                        'imap_security': 'starttls',
                        }])
            self.assertEqual(inbox.imap_port, 993)
            inbox.on_change_imap_security()
            self.assertEqual(inbox.imap_port, 143)
            transaction.rollback()

    def test_password_access(self):
        "Only the administrators read and write the password"
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            User = pool.get('res.user')
            FieldAccess = pool.get('ir.model.field.access')
            ModelData = pool.get('ir.model.data')
            coordinator, = User.create([{
                        'login': 'coordinator-imap',
                        'name': "Coordinator",
                        'groups': [('add', [ModelData.get_id(
                                        'customer_care',
                                        'group_customer_care_admin')])],
                        }])
            model = 'inbound.email.inbox'
            with transaction.set_user(coordinator.id):
                access = FieldAccess.get_access([model])[model]
                self.assertFalse(access['imap_password']['read'])
                self.assertFalse(access['imap_password']['write'])
            with transaction.set_user(1):
                access = FieldAccess.get_access([model])[model]
                self.assertTrue(access['imap_password']['read'])
                self.assertTrue(access['imap_password']['write'])
            transaction.rollback()

    def test_password_of_account(self):
        """Another server, port, security or user forgets the password: it
        is not sent to a server its writer may choose but not read it for"""
        inbox_id = self.new_inbox('account')
        with Transaction().start(DB_NAME, 0) as transaction:
            Inbox = Pool().get('inbound.email.inbox')
            inbox = Inbox(inbox_id)
            Inbox.write([inbox], {'imap_batch_size': 7})
            self.assertEqual(inbox.imap_password, PASSWORD)
            for field, value in [
                    ('imap_host', 'localhost'), ('imap_port', 1143),
                    ('imap_security', 'starttls'), ('imap_user', 'other')]:
                Inbox.write([inbox], {'imap_password': PASSWORD})
                Inbox.write([inbox], {field: value})
                self.assertIsNone(inbox.imap_password, field)
            Inbox.write([inbox], {
                    'imap_host': '127.0.0.1', 'imap_password': PASSWORD})
            self.assertEqual(inbox.imap_password, PASSWORD)
            transaction.rollback()

    def test_registered_folder_not_fetched(self):
        "Registered messages are not moved into the folder fetched"
        inbox_id = self.new_inbox('same-folder')
        with Transaction().start(DB_NAME, 0) as transaction:
            Inbox = Pool().get('inbound.email.inbox')
            inbox = Inbox(inbox_id)
            for folder, registered in [('INBOX', 'inbox'), ('PQRS', 'PQRS')]:
                with self.assertRaises(UserError):
                    Inbox.write([inbox], {
                            'imap_folder': folder,
                            'imap_registered': 'move',
                            'imap_registered_folder': registered})
            # Flagged, they stay where they are
            Inbox.write([inbox], {
                    'imap_folder': 'PQRS', 'imap_registered': 'flag',
                    'imap_registered_folder': 'PQRS'})
            transaction.rollback()

    def test_unique_uid(self):
        "The database refuses a message registered twice"
        inbox_id = self.new_inbox('unique')
        with Transaction().start(DB_NAME, 0) as transaction:
            Email = Pool().get('inbound.email')
            values = {
                'inbox': inbox_id, 'data': b'x', 'data_type': 'raw',
                'imap_folder': 'INBOX', 'imap_uidvalidity': 4294967295,
                'imap_uid': 4294967295}
            Email.create([values])
            with self.assertRaises(Exception):
                Email.create([values])
            transaction.rollback()

    def test_scheduled(self):
        "The scheduled action fetches the inboxes set to fetch only"
        on = self.new_inbox('scheduled')
        off = self.new_inbox('unscheduled', imap_fetch=False)
        for user in ['scheduled', 'unscheduled']:
            self.server.append(user, [new_message(1)])
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Cron = pool.get('ir.cron')
            ModelData = pool.get('ir.model.data')
            cron = Cron(ModelData.get_id(
                    'customer_care', 'cron_fetch_imap_inboxes'))
            Cron.run_once([cron])
            transaction.commit()
        self.assertEqual(len(self.emails(on)), 1)
        self.assertEqual(self.emails(off), [])
        self.assertEqual(len(self.server.uids('unscheduled')), 1)

