# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The e-mail gateway: the messages an inbox receives become cases, replies
to cases, or nothing (noise, floods), through inbound_email's processing as
the HTTP route and the IMAP fetch run it."""
import datetime as dt
import json
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.models.calendar import (
    get_calendar, to_local)
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool

key_db_cache()

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402
from trytond.transaction import Transaction, check_access  # noqa: E402

ACTION = 'customer_care.case|from_inbound_email'
INBOX_ADDRESS = 'pqrs@empresa.example'


def message(
        from_='Ana Gómez <ana.gomez@example.com>',
        subject="Medidor dañado", body="El medidor no marca desde ayer.",
        date=None, attachments=(), html=None, **headers):
    "Return the raw bytes of an e-mail"
    msg = EmailMessage()
    if from_:
        msg['From'] = from_
    msg['To'] = INBOX_ADDRESS
    if subject is not None:
        msg['Subject'] = subject
    msg['Message-ID'] = make_msgid(domain='example.com')
    if date:
        msg['Date'] = format_datetime(date)
    for name, value in headers.items():
        msg[name.replace('_', '-')] = value
    if body is not None:
        msg.set_content(body)
    if html is not None:
        if body is None:
            msg.set_content(html, subtype='html')
        else:
            msg.add_alternative(html, subtype='html')
    for name, data in attachments:
        msg.add_attachment(
            data, maintype='application', subtype='pdf', filename=name)
    return msg.as_bytes()


class CaseEmailTestCase(tools.ModuleDatabaseTestCase):
    "Test the cases made from e-mails"

    def setup_inbox(self, **values):
        pool = Pool()
        Inbox = pool.get('inbound.email.inbox')
        Rule = pool.get('inbound.email.rule')
        company, customer = tools.create_company_customer()
        inbox = Inbox(
            name="PQRS", company=company, care_addresses=INBOX_ADDRESS,
            rules=[Rule(action=ACTION)], **values)
        inbox.save()
        return company, inbox

    def receive(self, inbox, raw, data_type='raw'):
        "Process raw as the HTTP route does; return the inbound e-mail"
        pool = Pool()
        Email = pool.get('inbound.email')
        email_, = Email.from_webhook(inbox, raw, data_type)
        inbox.process(email_)
        Email.save([email_])
        return email_

    def sent_to(self, case):
        pool = Pool()
        IrEmail = pool.get('ir.email')
        return IrEmail.search([('resource', '=', str(case))])

    @with_transaction()
    def test_new_sender(self):
        "An unknown sender's e-mail is a registered case of a new party"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Attachment = pool.get('ir.attachment')
        company, inbox = self.setup_inbox()
        bogota = dt.timezone(dt.timedelta(hours=-5))
        date = dt.datetime.now(bogota).replace(
            hour=9, minute=30, second=0, microsecond=0) - dt.timedelta(days=6)
        with set_company(company):
            email_ = self.receive(inbox, message(
                    date=date, Cc='Luis <luis@example.com>, ' + INBOX_ADDRESS,
                    # Answering the inbox itself would be a loop
                    Reply_To=INBOX_ADDRESS,
                    attachments=[('../../factura.pdf', b'%PDF-1.4 data')]))

            case, = Case.search([])
            self.assertEqual(email_.result, case)
            self.assertEqual(email_.care_status, 'registered')
            self.assertEqual(email_.care_sender, 'ana.gomez@example.com')
            self.assertEqual(case.state, 'registered')
            self.assertEqual(case.channel, 'email')
            self.assertEqual(case.company, company)
            self.assertEqual(case.subject, "Medidor dañado")
            self.assertEqual(
                case.description, "El medidor no marca desde ayer.")
            self.assertEqual(case.contact_email, 'ana.gomez@example.com')
            self.assertEqual(case.contact_name, "Ana Gómez")
            self.assertEqual(case.email_cc, 'luis@example.com')
            self.assertTrue(case.email_message_id.startswith('<'))
            self.assertEqual(case.received, date.astimezone(
                    dt.timezone.utc).replace(tzinfo=None))
            # The term counts from the message's date
            twin, = Case.create([{
                        'company': company.id, 'customer': case.customer.id,
                        'subject': "Twin", 'received': case.received}])
            self.assertEqual(case.initial_due_date, twin.initial_due_date)
            due_date, _ = get_calendar(company).deadline(
                to_local(case.received, company), case.term_duration,
                case.term_unit)
            self.assertEqual(case.due_date, due_date)
            # Received days before now: due before a case received now
            self.assertLess(case.due_date, get_calendar(company).deadline(
                    to_local(dt.datetime.now(), company),
                    case.term_duration, case.term_unit)[0])

            party = case.customer
            self.assertEqual(party.name, "Ana Gómez")
            self.assertTrue(party.created_from_email)
            self.assertEqual(party.email, 'ana.gomez@example.com')
            self.assertFalse(case.customer_to_confirm)

            names = sorted(a.name for a in Attachment.search(
                    [('resource', '=', str(case))]))
            self.assertEqual(names, ['factura.pdf', 'message.eml'])
            original, = Attachment.search([
                    ('resource', '=', str(case)),
                    ('name', '=', 'message.eml')])
            self.assertIn(b'Medidor', original.data)

            acknowledgement, = self.sent_to(case)
            self.assertIn('ana.gomez@example.com', acknowledgement.recipients)
            self.assertIn(case.number, acknowledgement.subject)

    @with_transaction()
    def test_known_sender(self):
        "The sender's e-mail contact mechanism gives the customer"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        company, inbox = self.setup_inbox()
        known, = Party.create([{
                    'name': "Ana",
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': 'Ana.Gomez@Example.com'}])],
                    }])
        # An address that differs by a like wildcard is another one
        Party.create([{
                    'name': "Other",
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': 'ana_gomez@example.com'}])],
                    }])
        parties = Party.search([], count=True)
        with set_company(company):
            # Reply-To wins over From
            self.receive(inbox, message(
                    from_='Ana <ana@trabajo.example>',
                    Reply_To='ana.gomez@example.com'))

            case, = Case.search([])
            self.assertEqual(case.customer, known)
            self.assertEqual(case.contact_email, 'ana.gomez@example.com')
            self.assertFalse(case.customer_to_confirm)
            self.assertEqual(Party.search([], count=True), parties)

    @with_transaction()
    def test_several_parties(self):
        "Several parties with the address: the customer is to confirm"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        company, inbox = self.setup_inbox()
        first, second = Party.create([{
                    'name': name,
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': 'ana.gomez@example.com'}])],
                    } for name in ["Ana Gómez", "Ana M. Gómez"]])
        with set_company(company):
            self.receive(inbox, message())

            case, = Case.search([])
            self.assertTrue(case.customer_to_confirm)
            self.assertEqual(set(case.customer_candidates), {first, second})
            self.assertIn(case.customer, {first, second})

            # Choosing the customer confirms it
            Case.write([case], {'customer': second.id})
            self.assertFalse(case.customer_to_confirm)
            Case.write([case], {'customer_to_confirm': True})
            Case.confirm_customer([case])
            self.assertFalse(case.customer_to_confirm)
            self.assertEqual(case.customer, second)

    @with_transaction()
    def test_replace_party_from_email(self):
        "Replace merges the party made from e-mail: cases and candidates"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        Replace = pool.get('party.replace', type='wizard')
        company, inbox = self.setup_inbox()
        with set_company(company):
            self.receive(inbox, message())
            case, = Case.search([])
            made = case.customer
            self.assertTrue(made.created_from_email)
            known, = Party.create([{'name': "Ana Gómez"}])
            other, = Case.create([{
                        'company': company.id, 'customer': known.id,
                        'subject': "Other",
                        'customer_to_confirm': True,
                        'customer_candidates': [
                            ('add', [made.id, known.id])]}])

            session_id, _, _ = Replace.create()
            replace = Replace(session_id)
            replace.ask.source = made
            replace.ask.destination = known
            replace.transition_replace()
            # The wizard updates the tables, not the records in memory
            Transaction().cache.clear()

            case = Case(case.id)
            other = Case(other.id)
            self.assertEqual(case.customer, known)
            self.assertEqual(list(other.customer_candidates), [known])
            self.assertFalse(Party(made.id).active)
            # The next message of the address finds the merged customer
            self.receive(inbox, message(subject="Otra cosa"))
            new, = Case.search([('subject', '=', "Otra cosa")])
            self.assertEqual(new.customer, known)

    @with_transaction()
    def test_confirm_party_from_email(self):
        "An agent confirms the party made from e-mail"
        pool = Pool()
        Party = pool.get('party.party')
        company, inbox = self.setup_inbox()
        with set_company(company):
            self.receive(inbox, message(from_='ana@example.com'))
            party, = Party.search([('created_from_email', '=', True)])
            self.assertEqual(party.name, 'ana@example.com')
            Party.confirm_from_email([party])
            self.assertFalse(party.created_from_email)

    @with_transaction()
    def test_reply_by_number(self):
        "A reply naming the case's number joins the case's discussion"
        pool = Pool()
        Case = pool.get('customer_care.case')
        ChatMessage = pool.get('ir.chat.message')
        Attachment = pool.get('ir.attachment')
        company, inbox = self.setup_inbox()
        with set_company(company):
            self.receive(inbox, message())
            case, = Case.search([])
            reply = message(
                subject=f"RE: [{case.number}] Medidor dañado",
                body="Les envío la foto.\n\n"
                "El lun, 30 nov 2026 a las 10:00, PQRS <pqrs@x> escribió:\n"
                "> Hemos recibido su solicitud\n",
                attachments=[('foto.pdf', b'%PDF')])
            email_ = self.receive(inbox, reply)

            self.assertEqual(Case.search([], count=True), 1)
            chat, = ChatMessage.search([('channel.resource', '=', str(case))])
            self.assertEqual(email_.result, chat)
            self.assertEqual(email_.care_status, 'replied')
            self.assertEqual(chat.email, 'ana.gomez@example.com')
            self.assertEqual(chat.audience, 'public')
            self.assertTrue(chat.content.startswith("Les envío la foto."))
            self.assertNotIn("Hemos recibido", chat.content)
            self.assertIn('foto.pdf', chat.content)
            self.assertTrue(chat.reference.startswith('<'))
            self.assertTrue(Attachment.search([
                        ('resource', '=', str(case)),
                        ('name', '=', 'foto.pdf')]))

    @with_transaction()
    def test_number_not_a_reply(self):
        """The number must be a word of the subject and the sender known to
        the case: else it is a new case"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, inbox = self.setup_inbox()
        with set_company(company):
            self.receive(inbox, message())
            case, = Case.search([])
            self.receive(inbox, message(subject=f"Caso {case.number}0"))
            self.receive(inbox, message(subject=f"X{case.number}"))
            self.receive(inbox, message(
                    from_='otro@example.com', subject=f"Re: {case.number}"))
            self.assertEqual(Case.search([], count=True), 4)

    @with_transaction()
    def test_reply_to_acknowledgement(self):
        "A reply to the acknowledgement (In-Reply-To) joins the case"
        pool = Pool()
        Case = pool.get('customer_care.case')
        ChatMessage = pool.get('ir.chat.message')
        company, inbox = self.setup_inbox()
        with set_company(company):
            self.receive(inbox, message())
            case, = Case.search([])
            acknowledgement, = self.sent_to(case)
            self.assertTrue(acknowledgement.message_id)
            # From another address and without the number: the header is
            # enough
            self.receive(inbox, message(
                    from_='luis@example.com', subject="Gracias",
                    body="Recibido.",
                    In_Reply_To=acknowledgement.message_id))
            self.receive(inbox, message(
                    subject="Otra", body="Y otra cosa.",
                    References=f'<x@y> {case.email_message_id}'))

            self.assertEqual(Case.search([], count=True), 1)
            chats = ChatMessage.search(
                [('channel.resource', '=', str(case))], order=[('id', 'ASC')])
            self.assertEqual(
                [(c.email, c.content) for c in chats],
                [('luis@example.com', "Recibido."),
                    ('ana.gomez@example.com', "Y otra cosa.")])

    @with_transaction()
    def test_reply_to_waiting_case(self):
        """A reply to a waiting or answered case joins its discussion, keeps
        its state and tells the responsible"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        User = pool.get('res.user')
        Notification = pool.get('res.notification')
        company, inbox = self.setup_inbox()
        agent, = User.create([{'name': "Agent", 'login': 'agent'}])
        with set_company(company):
            self.receive(inbox, message())
            case, = Case.search([])
            for state in ['waiting', 'answered']:
                Case.write([case], {'state': state, 'responsible': agent.id})
                email_ = self.receive(inbox, message(
                        subject=f"Re: {case.number}", body=state))
                self.assertEqual(email_.care_status, 'replied')
                self.assertEqual(email_.result.content, state)
                self.assertEqual(Case(case.id).state, state)
            self.assertEqual(Notification.search(
                    [('user', '=', agent.id)], count=True), 2)
            self.assertEqual(Case.search([], count=True), 1)

    @with_transaction()
    def test_reply_to_closed_case(self):
        "A reply to a closed case opens a new case from it"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, inbox = self.setup_inbox()
        with set_company(company):
            self.receive(inbox, message())
            case, = Case.search([])
            Case.write([case], {'state': 'closed'})
            email_ = self.receive(inbox, message(
                    subject=f"Re: {case.number}", body="Sigue fallando."))

            new, = Case.search([('id', '!=', case.id)])
            self.assertEqual(email_.result, new)
            self.assertEqual(new.origin, case)
            self.assertEqual(new.customer, case.customer)

    @with_transaction()
    def test_noise(self):
        "Loops, bounces and lists open no case and get no answer"
        pool = Pool()
        Case = pool.get('customer_care.case')
        IrEmail = pool.get('ir.email')
        company, inbox = self.setup_inbox()
        noise = {
            'auto_submitted': message(Auto_Submitted='auto-replied'),
            'precedence': message(Precedence='bulk'),
            'auto_reply': message(X_Autoreply='yes'),
            'list': message(List_Id='<clientes.example.com>'),
            'unsubscribe': message(List_Unsubscribe='<mailto:u@x>'),
            'daemon': message(from_='MAILER-DAEMON@example.com'),
            'postmaster': message(from_='postmaster@example.com'),
            'noreply': message(from_='no-reply@tienda.example'),
            'own': message(from_=f'PQRS <{INBOX_ADDRESS.upper()}>'),
            'no_sender': message(from_=None),
            }
        bounce = EmailMessage()
        bounce['From'] = 'correo@example.com'
        bounce['Subject'] = "Undelivered Mail"
        bounce.set_content("Delivery failed")
        bounce.make_mixed()
        bounce.replace_header(
            'Content-Type', 'multipart/report; report-type=delivery-status')
        noise['bounce'] = bounce.as_bytes()
        with set_company(company):
            sent = IrEmail.search([], count=True)
            for name, raw in noise.items():
                email_ = self.receive(inbox, raw)
                self.assertEqual(email_.care_status, 'ignored', name)
                self.assertTrue(email_.care_note, name)
                self.assertIsNone(email_.result, name)
            self.assertEqual(Case.search([], count=True), 0)
            self.assertEqual(IrEmail.search([], count=True), sent)

            # Auto-Submitted: no is a person
            self.receive(inbox, message(Auto_Submitted='no'))
            self.assertEqual(Case.search([], count=True), 1)

    @with_transaction()
    def test_flood(self):
        "Beyond the limit per sender and hour, messages are held back"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Email = pool.get('inbound.email')
        company, inbox = self.setup_inbox(care_sender_limit=2)
        with set_company(company):
            self.receive(inbox, message(subject="Uno"))
            self.receive(inbox, message(subject="Dos"))
            held = self.receive(inbox, message(subject="Tres"))
            other = self.receive(
                inbox, message(from_='luis@example.com', subject="Luis"))

            self.assertEqual(Case.search([], count=True), 3)
            self.assertEqual(held.care_status, 'held')
            self.assertIn('ana.gomez@example.com', held.care_note)
            self.assertIsNone(held.rule)
            self.assertEqual(other.care_status, 'registered')
            self.assertEqual(inbox.__class__(inbox.id).care_held_back, 1)
            self.assertFalse(self.sent_to(held))

            # Processed by hand once checked
            Email.process([held])
            self.assertEqual(held.care_status, 'registered')
            self.assertEqual(held.result.subject, "Tres")
            self.assertEqual(inbox.__class__(inbox.id).care_held_back, 0)

    @with_transaction()
    def test_html_only(self):
        "An HTML-only message: its text as description, the HTML attached"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Attachment = pool.get('ir.attachment')
        company, inbox = self.setup_inbox()
        with set_company(company):
            self.receive(inbox, message(
                    subject="", body=None,
                    html="<html><head><style>p{}</style></head><body>"
                    "<p>Hola,</p><p>el <b>medidor</b> falla.</p>"
                    "</body></html>"))
            case, = Case.search([])
            self.assertEqual(case.subject, "(no subject)")
            self.assertEqual(case.description, "Hola,\n\nel medidor falla.")
            html, = Attachment.search([
                    ('resource', '=', str(case)),
                    ('name', '=', 'message.html')])
            self.assertIn(b'<b>medidor</b>', html.data)

    @with_transaction()
    def test_hostile_input(self):
        "Malformed MIME, charsets, names and dates give a clean case"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Attachment = pool.get('ir.attachment')
        company, inbox = self.setup_inbox(care_attachment_size=1)
        raw = (b'From: =?x-unknown?q?Jos=E9?= <jose@example.com>\r\n'
            b'Subject: =?utf-8?b?invalid base64?=\r\n'
            b'Date: yesterday\r\n'
            b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
            b'--b\r\nContent-Type: text/plain; charset=klingon\r\n\r\n'
            b'caf\xe9 \x00\r\n'
            b'--b\r\nContent-Type: application/octet-stream\r\n'
            b'Content-Disposition: attachment; filename="'
            + b'\\..\\' * 50 + b'A' * 400 + b'.exe"\r\n\r\nMZ\r\n'
            b'--b\r\nContent-Type: application/pdf\r\n'
            b'Content-Disposition: attachment; filename="big.pdf"\r\n'
            b'Content-Transfer-Encoding: base64\r\n\r\n'
            + b'QUFB' * (1024 * 1024 // 3 + 10) + b'\r\n--b')
        with set_company(company):
            before = dt.datetime.now().replace(microsecond=0)
            email_ = self.receive(inbox, raw)
            case, = Case.search([])
            self.assertEqual(email_.care_status, 'registered')
            self.assertGreaterEqual(case.received, before)
            self.assertIn('caf', case.description)
            self.assertIn('big.pdf', case.description)
            names = [a.name for a in Attachment.search(
                    [('resource', '=', str(case))])]
            self.assertNotIn('big.pdf', names)
            hostile, = [n for n in names if n.endswith('.exe')]
            self.assertLessEqual(len(hostile), 120)
            self.assertNotIn('\\', hostile)
            self.assertNotIn('/', hostile)

            # Nothing readable at all, and an invalid sender: refused
            email_ = self.receive(inbox, b'\xff\xfe\x00garbage')
            self.assertEqual(email_.care_status, 'ignored')
            for from_ in [b'ana@', b'ana@exa mple.com', b'<@>', b'"a@b']:
                email_ = self.receive(inbox, b'From: ' + from_ + b'\r\n'
                    b'Subject: Hola\r\n\r\nTexto\r\n')
                self.assertIn(
                    email_.care_status, {'ignored', 'refused'}, from_)
                self.assertTrue(email_.care_note)
            self.assertEqual(Case.search([], count=True), 1)

    @with_transaction()
    def test_no_half_case(self):
        "A failure while registering leaves nothing and says why"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        Attachment = pool.get('ir.attachment')
        Email = pool.get('inbound.email')
        company, inbox = self.setup_inbox()
        parties = Party.search([], count=True)
        attachments = Attachment.search([], count=True)

        def fail(cls, cases):
            raise UserError("Routing failed")
        with set_company(company), \
                patch.object(Case, 'acknowledge', classmethod(fail)):
            email_ = self.receive(inbox, message())
        self.assertEqual(email_.care_status, 'refused')
        self.assertIn("Routing failed", email_.care_note)
        self.assertIsNone(email_.rule)
        self.assertEqual(Case.search([], count=True), 0)
        self.assertEqual(Party.search([], count=True), parties)
        self.assertEqual(Attachment.search([], count=True), attachments)
        self.assertFalse(any(
                getattr(d, 'queue', None)
                for d in Transaction()._datamanagers))

        # Once fixed, processed by hand
        with set_company(company):
            Email.process([email_])
        self.assertEqual(email_.care_status, 'registered')
        self.assertEqual(Case.search([], count=True), 1)

    @with_transaction()
    def test_json_data_type(self):
        "A mail service posting JSON (MailPace) is read from its raw field"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, inbox = self.setup_inbox()
        with set_company(company):
            self.receive(inbox, json.dumps({
                        'raw': message().decode('utf-8')}).encode(),
                data_type='mailpace')
            self.receive(inbox, json.dumps({
                        'FromFull': {'Email': 'luis@example.com'},
                        'Subject': "Postmark",
                        'TextBody': "Texto",
                        'Headers': [{'Name': 'Message-ID',
                                'Value': '<pm@example.com>'}],
                        }).encode(), data_type='postmark')
            first, second = Case.search([], order=[('id', 'ASC')])
            self.assertEqual(first.subject, "Medidor dañado")
            self.assertEqual(second.subject, "Postmark")
            self.assertEqual(second.description, "Texto")
            self.assertEqual(second.email_message_id, '<pm@example.com>')

    @with_transaction()
    def test_companies_of_emails(self):
        "The e-mails of another company's inbox are not seen"
        pool = Pool()
        Email = pool.get('inbound.email')
        Inbox = pool.get('inbound.email.inbox')
        Rule = pool.get('inbound.email.rule')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company, inbox = self.setup_inbox()
        other_company = create_company(name="Other")
        other = Inbox(
            name="Other PQRS", company=other_company,
            rules=[Rule(action=ACTION)])
        other.save()
        shared = Inbox(name="Shared")
        shared.save()
        mine, theirs, common = Email.create([{
                    'inbox': i.id, 'data': b'x', 'data_type': 'raw',
                    } for i in [inbox, other, shared]])
        user, = User.create([{
                    'login': 'care-admin-emails', 'name': "Care admin",
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [ModelData.get_id(
                                    'customer_care',
                                    'group_customer_care_admin')])],
                    }])
        with Transaction().set_user(user.id), \
                Transaction().set_context(
                    company=company.id, companies=[company.id]), \
                check_access():
            self.assertEqual(
                {e.id for e in Email.search([])}, {mine.id, common.id})

    @with_transaction()
    def test_inbox_without_company(self):
        "The action needs the inbox's company"
        pool = Pool()
        Inbox = pool.get('inbound.email.inbox')
        Rule = pool.get('inbound.email.rule')
        inbox = Inbox(name="No company", rules=[Rule(action=ACTION)])
        with self.assertRaises(UserError):
            inbox.save()
