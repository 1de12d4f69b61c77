# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The e-mails to the customer of a case, as the customer receives them:
read back from the tests' real SMTP sink (tests/mailsink.py) after the
transaction commits. Written from the templates administrators edit, in the
customer's language, threaded into one conversation."""
import email
import email.policy
import glob
import os
import re
import subprocess
import tempfile

import trytond.config as config
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool

key_db_cache()

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402
from trytond.transaction import Transaction, check_access  # noqa: E402

ORIGINAL = '<request-1@customer.example.com>'


def delivered(address):
    "Return the messages the sink received for address, oldest first"
    messages = []
    for path in sorted(glob.glob(os.path.join(
                    os.environ['CUSTOMER_CARE_MAIL_DIR'], '*.eml'))):
        with open(path, 'rb') as file:
            message = email.message_from_bytes(
                file.read(), policy=email.policy.default)
        if address in (message['To'] or ''):
            messages.append(message)
    return messages


def text_of(message):
    return message.get_body(preferencelist=('plain',)).get_content().replace(
        '\r\n', '\n').strip()


def html_of(message):
    return message.get_body(preferencelist=('html',)).get_content().replace(
        '\r\n', '\n')


def pdf_text(data):
    "Return the text of a PDF (pdftotext of poppler-utils)"
    with tempfile.NamedTemporaryFile(suffix='.pdf') as file:
        file.write(data)
        file.flush()
        return subprocess.run(
            ['pdftotext', '-layout', file.name, '-'], check=True,
            capture_output=True, text=True).stdout


class CustomerEmailTestCase(tools.ModuleDatabaseTestCase):
    "Test the e-mails to the customers of the cases"

    def create_case(self, company, customer, address, **values):
        "Create and register a case of customer written to address"
        pool = Pool()
        Case = pool.get('customer_care.case')
        with set_company(company):
            case = Case(customer=customer, subject="Broken <meter>",
                contact_email=address, **values)
            case.save()
            Case.register([case])
        return case

    @with_transaction()
    def test_threaded_conversation(self):
        """Acknowledgement, extension notice, answer: one conversation, the
        letter attached"""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Case = pool.get('customer_care.case')
        Configuration = pool.get('customer_care.configuration')
        Email = pool.get('ir.email')
        Lang = pool.get('ir.lang')
        transaction = Transaction()
        company, customer = tools.create_company_customer(
            customer={'lang': Lang.get('en')})
        address = 'thread@customer.example.com'
        with set_company(company):
            configuration = Configuration(1)
            configuration.customer_care_email = 'care@care.example.com'
            configuration.save()
            case = self.create_case(company, customer, address)
            # As the e-mail gateway does for a case that came by e-mail
            Case.write([case], {'email_message_id': ORIGINAL})
            acknowledgement, = Case.acknowledge([case])
            transaction.commit()

            initial_due_date = case.due_date
            Case.apply_extension(
                [case], 1, "The meter is tested.\n\n1. Part ordered")
            transaction.commit()

            Case.analyse([case])
            case.answer = "A technician comes on Monday.\n\nBring the bill."
            case.save()
            Case.respond([case])
            transaction.commit()

        ack, extension, answer = delivered(address)
        english = Lang.get('en')

        # The acknowledgement: number, due date and link, from the template
        self.assertEqual(
            ack['Subject'], f"We have received your request {case.number}")
        text = text_of(ack)
        self.assertIn(case.number, text)
        self.assertIn(english.strftime(initial_due_date), text)
        url, = re.findall(r'https?://[^\s<>]+', text)
        number, token = url.rsplit('/', 2)[-2:]
        self.assertEqual(Case.case_of_follow_up(number, token), case)
        # The HTML part links it and escapes the customer's text
        html = html_of(ack)
        self.assertIn(f'<a href="{url}">', html)
        self.assertIn('Broken &lt;meter&gt;', html)
        self.assertNotIn('<meter>', html)
        self.assertIn('Broken <meter>', text)

        # The extension notice: the reason as written, the new due date
        self.assertEqual(
            extension['Subject'],
            f"Your request {case.number}: new answer date")
        text = text_of(extension)
        self.assertIn("The meter is tested.\n\n1. Part ordered", text)
        self.assertNotEqual(case.due_date, initial_due_date)
        self.assertIn(english.strftime(case.due_date), text)
        notice, = extension.iter_attachments()
        self.assertEqual(
            notice.get_filename(), f'Extension-Notice-{case.number}.pdf')
        notice_text = ' '.join(pdf_text(notice.get_content()).split())
        self.assertIn(case.number, notice_text)
        self.assertIn("The meter is tested.", notice_text)

        # The answer: the answer and its letter in PDF
        self.assertEqual(
            answer['Subject'], f"Answer to your request {case.number}")
        text = text_of(answer)
        self.assertIn("A technician comes on Monday.\n\nBring the bill.", text)
        letter, = answer.iter_attachments()
        self.assertEqual(letter.get_content_type(), 'application/pdf')
        self.assertEqual(
            letter.get_filename(), f'Answer-Letter-{case.number}.pdf')
        letter_text = pdf_text(letter.get_content())
        self.assertIn(case.number, letter_text)
        self.assertIn("A technician comes on Monday.", letter_text)

        # Threaded: own Message-IDs on our domain, each replying to the
        # previous message, References growing from the customer's e-mail
        for message in [ack, extension, answer]:
            self.assertRegex(
                message['Message-ID'], r'^<[^<>@\s]+@care\.example\.com>$')
            self.assertEqual(message['Reply-To'], 'care@care.example.com')
        message_ids = [m['Message-ID'] for m in [ack, extension, answer]]
        self.assertEqual(len(set(message_ids)), 3)
        self.assertEqual(ack['In-Reply-To'], ORIGINAL)
        self.assertEqual(ack['References'], ORIGINAL)
        self.assertEqual(extension['In-Reply-To'], ack['Message-ID'])
        self.assertEqual(
            extension['References'].split(), [ORIGINAL, ack['Message-ID']])
        self.assertEqual(answer['In-Reply-To'], extension['Message-ID'])
        self.assertEqual(
            answer['References'].split(), [ORIGINAL, *message_ids[:2]])

        # Recorded on the case, with the same Message-IDs and the letter
        emails = Email.search([
                ('resource', '=', str(case)),
                ('addresses.address', '=', address),
                ], order=[('id', 'ASC')])
        self.assertEqual([e.message_id for e in emails], message_ids)
        self.assertEqual(emails[0], acknowledgement)
        attachment, = Attachment.search([('resource', '=', str(emails[2]))])
        self.assertEqual(attachment.name, f'Answer-Letter-{case.number}.pdf')
        self.assertEqual(attachment.data, letter.get_content())

    @with_transaction()
    def test_spanish_and_edited_templates(self):
        """A Spanish customer gets the Spanish text; an administrator's
        edit of the template changes the next e-mail"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Configuration = pool.get('customer_care.configuration')
        Lang = pool.get('ir.lang')
        Template = pool.get('ir.email.template')
        transaction = Transaction()
        spanish = Lang.get('es')
        Lang.load_translations([spanish])
        company, customer = tools.create_company_customer(
            customer={'name': "Cliente", 'lang': spanish})
        address = 'cliente@customer.example.com'
        with set_company(company):
            first = self.create_case(company, customer, address)
            Case.acknowledge([first])
            transaction.commit()

            configuration = Configuration(1)
            template = configuration.acknowledgement_template
            # The administrator edits the Spanish text (their language)
            with transaction.set_context(language='es'):
                Template.write([Template(template.id)], {
                        'subject': "Radicamos su solicitud",
                        'body': '<div>Hola ${customer}: radicado ${case}, '
                        'respuesta a más tardar el ${due_date} '
                        '(${record.number}).</div><div>${url}</div>',
                        })
            second = self.create_case(company, customer, address)
            Case.acknowledge([second])
            transaction.commit()

            # or points the configuration to another template
            other, = Template.copy([template], default={
                    'name': "Other Acknowledgement",
                    'subject': "Case ${case} received",
                    })
            configuration.acknowledgement_template = other
            configuration.save()
            third = self.create_case(company, customer, address)
            Case.acknowledge([third])
            transaction.commit()

        first_email, second_email, third_email = delivered(address)
        self.assertEqual(
            first_email['Subject'],
            f"Hemos recibido su solicitud {first.number}")
        text = text_of(first_email)
        self.assertIn("Apreciado(a) Cliente:", text)
        self.assertIn(spanish.strftime(first.due_date), text)
        self.assertIn(f'/customer_care/case/{first.number}/', text)

        # The number is added to a subject that lost it: replies find it
        self.assertEqual(
            second_email['Subject'],
            f"Radicamos su solicitud [{second.number}]")
        text = text_of(second_email)
        self.assertEqual(
            text.splitlines()[0],
            f"Hola Cliente: radicado {second.number}, respuesta a más tardar "
            f"el {spanish.strftime(second.due_date)} ({second.number}).")
        # The follow-up address is a link of the HTML part
        url, = re.findall(r'https?://\S+', text)
        self.assertIn(f'<a href="{url}">{url}</a>', html_of(second_email))

        self.assertEqual(
            third_email['Subject'], f"Case {third.number} received")
        # Without a Customer Care E-mail, replies go to the sender address
        self.assertEqual(
            first_email['Reply-To'], config.get('email', 'from'))
        # Each case is its own conversation
        self.assertIsNone(first_email['In-Reply-To'])
        self.assertIsNone(second_email['References'])

    @with_transaction()
    def test_template_access(self):
        """Only Tryton's administrators edit the e-mail templates, whose
        expressions run on the server; the customer-care groups read them"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        admin_group = ModelData.get_id(
            'customer_care', 'group_customer_care_admin')
        care_group = ModelData.get_id('customer_care', 'group_customer_care')
        tryton_admin = ModelData.get_id('res', 'group_admin')
        care_admin, agent, administrator = User.create([{
                    'login': 'care_admin', 'name': "Care Admin",
                    'groups': [('add', [admin_group])],
                    }, {
                    'login': 'agent', 'name': "Agent",
                    'groups': [('add', [care_group])],
                    }, {
                    'login': 'administrator', 'name': "Administrator",
                    'groups': [('add', [tryton_admin])],
                    }])
        for user, allowed in [
                (care_admin, False), (agent, False), (administrator, True)]:
            with Transaction().set_user(user.id), check_access():
                for mode in ['write', 'create', 'delete']:
                    self.assertEqual(ModelAccess.check(
                            'ir.email.template', mode,
                            raise_exception=False), allowed, (user, mode))
                self.assertTrue(ModelAccess.check(
                        'ir.email.template', 'read', raise_exception=False))

    @with_transaction()
    def test_references_bounded(self):
        """The References of a long conversation keep its first message and
        the latest ones; another address's e-mails are not in it"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Email = pool.get('ir.email')
        company, customer = tools.create_company_customer()
        address = 'long@customer.example.com'
        with set_company(company):
            case = self.create_case(company, customer, address)
            Case.write([case], {'email_message_id': ORIGINAL})
            Email.save([Email(
                        resource=case, subject=f"E-mail {i}",
                        recipients=to, addresses=[{'address': to}],
                        message_id=f'<{i}@care.example.com>')
                    for i in range(1, 16)
                    for to in [address, 'agent@example.com']])
            thread = case.email_thread(f'Customer <{address}>')
            headers = case.email_headers(address)
        self.assertEqual(thread, [ORIGINAL] + [
                f'<{i}@care.example.com>' for i in range(7, 16)])
        self.assertEqual(headers['In-Reply-To'], '<15@care.example.com>')
        self.assertEqual(headers['References'], ' '.join(thread))
        self.assertNotIn(headers['Message-ID'], thread)

    @with_transaction()
    def test_template_in_email_dialog(self):
        """The shipped templates also fill the client's e-mail dialog of a
        case (Tryton's get), with the case's variables"""
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        company, customer = tools.create_company_customer()
        with set_company(company):
            case = self.create_case(
                company, customer, 'dialog@customer.example.com')
            case.answer = "We replace the meter."
            case.save()
            template = Configuration(1).answer_template
            values = template.get(case.id)
        self.assertEqual(
            values['subject'], f"Answer to your request {case.number}")
        self.assertIn('<div>We replace the meter.</div>', values['body'])
        self.assertIn('Dear Customer,', values['body'])
        self.assertEqual(len(values['reports']), 1)

    @with_transaction()
    def test_customer_care_email_checked(self):
        "The Customer Care E-mail must be an e-mail address"
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        company, _ = tools.create_company_customer()
        with set_company(company):
            configuration = Configuration(1)
            configuration.customer_care_email = 'Care <care@example.com>'
            configuration.save()
            configuration.customer_care_email = 'care desk'
            with self.assertRaises(ValidationError):
                configuration.save()
