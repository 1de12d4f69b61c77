# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The e-mail gateway on Tryton's inbound_email: the inbox of a company's
customer-care address, the rule action that makes cases of its messages
(case_email.py) and what the gateway records on each message.
"""
import datetime as dt
import json
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import getaddresses

import trytond.config as config
from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from . import email_message
from .customer_email import customer_care_address
from .exceptions import InboundEmailValidationError

# The statuses the gateway gives a message
CARE_STATUSES = [
    (None, ""),
    ('registered', "Case Registered"),
    ('replied', "Added to a Case"),
    ('ignored', "Ignored"),
    ('held', "Held Back"),
    ('refused', "Refused"),
    ]
# The reasons of email_message.noise_reason and their messages
NOISE_MESSAGES = {
    'auto_submitted': 'customer_care.msg_inbound_email_auto_submitted',
    'precedence': 'customer_care.msg_inbound_email_precedence',
    'auto_reply': 'customer_care.msg_inbound_email_auto_reply',
    'list': 'customer_care.msg_inbound_email_list',
    'bounce': 'customer_care.msg_inbound_email_bounce',
    'no_sender': 'customer_care.msg_inbound_email_no_sender',
    'machine': 'customer_care.msg_inbound_email_machine',
    'own': 'customer_care.msg_inbound_email_own',
    }
FLOOD_WINDOW = dt.timedelta(hours=1)
MEGABYTE = 1024 * 1024


class Inbox(metaclass=PoolMeta):
    __name__ = 'inbound.email.inbox'

    company = fields.Many2One(
        'company.company', "Company",
        help="The company of the cases made from the messages: required "
        "to register customer care cases.")
    care_addresses = fields.Text(
        "Own Addresses",
        help="The addresses of the inbox, one per line: messages from them "
        "are loops and never open a case (the address the e-mails are sent "
        "from and the company's customer care e-mail are always included).")
    care_sender_limit = fields.Integer(
        "Messages per Sender and Hour",
        domain=['OR',
            ('care_sender_limit', '=', None),
            ('care_sender_limit', '>', 0),
            ],
        help="Beyond this number of cases and replies from one sender in "
        "the last hour, messages are held back: neither case nor "
        "acknowledgement. Leave empty for no limit.")
    care_attachment_size = fields.Integer(
        "Attachment Size Limit",
        domain=['OR',
            ('care_attachment_size', '=', None),
            ('care_attachment_size', '>', 0),
            ],
        help="In megabytes: a bigger attachment is not attached to the case "
        "(its description says so).")
    care_attachments_size = fields.Integer(
        "Attachments Size Limit",
        domain=['OR',
            ('care_attachments_size', '=', None),
            ('care_attachments_size', '>', 0),
            ],
        help="In megabytes, the total of the attachments of one message.")
    care_held_back = fields.Function(
        fields.Integer(
            "Held Back in the Last Hour",
            help="The messages held back by the limit per sender in the "
            "last hour: process them by hand once checked."),
        'get_care_held_back')

    @classmethod
    def default_care_sender_limit(cls):
        return 20

    @classmethod
    def default_care_attachment_size(cls):
        return 10

    @classmethod
    def default_care_attachments_size(cls):
        return 25

    @classmethod
    def get_care_held_back(cls, inboxes, name):
        pool = Pool()
        Email = pool.get('inbound.email')
        since = dt.datetime.now() - FLOOD_WINDOW
        result = {i.id: 0 for i in inboxes}
        for email_ in Email.search([
                    ('inbox', 'in', [i.id for i in inboxes]),
                    ('care_status', '=', 'held'),
                    ('create_date', '>=', since),
                    ]):
            result[email_.inbox.id] += 1
        return result

    def care_own_addresses(self):
        "Return the addresses of the inbox in lower case"
        addresses = set()
        for line in (self.care_addresses or '').replace(',', '\n').split():
            addresses.add(line.strip().lower())
        for sender in [
                config.get('email', 'from'),
                customer_care_address(self.company)]:
            for _, address in getaddresses([sender or '']):
                addresses.add(address.lower())
        return addresses - {''}

    def care_over_limit(self, address):
        """Tell whether the sender of address reached the limit of cases and
        replies in the last hour"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Message = pool.get('ir.chat.message')
        if not self.care_sender_limit:
            return False
        since = dt.datetime.now() - FLOOD_WINDOW
        pattern = like_escape(address)
        count = Case.search_count([
                ('company', '=', self.company.id),
                ('channel', '=', 'email'),
                ('contact_email', 'ilike', pattern),
                ('create_date', '>=', since),
                ])
        if count < self.care_sender_limit:
            count += Message.search_count([
                    ('email', 'ilike', pattern),
                    ('create_date', '>=', since),
                    ])
        return count >= self.care_sender_limit

    def care_split_attachments(self, attachments):
        """Return the attachments within the size limits of the inbox and the
        notes about the ones left out"""
        size_limit = (self.care_attachment_size or 0) * MEGABYTE
        total_limit = (self.care_attachments_size or 0) * MEGABYTE
        kept, notes, total = [], [], 0
        for name, type_, data in attachments:
            size = len(data)
            if size_limit and size > size_limit:
                notes.append(gettext(
                        'customer_care.msg_case_email_attachment_too_big',
                        name=name, size=size_text(size),
                        limit=size_text(size_limit)))
            elif total_limit and total + size > total_limit:
                notes.append(gettext(
                        'customer_care.msg_case_email_attachments_too_big',
                        name=name, size=size_text(size),
                        limit=size_text(total_limit)))
            else:
                kept.append((name, type_, data))
                total += size
        return kept, notes


def size_text(size):
    return f'{size / MEGABYTE:.1f} MB'


def like_escape(value):
    "Return value as a pattern of Tryton's like that matches it exactly"
    return (value.replace('\\', '\\\\').replace('%', '\\%')
        .replace('_', '\\_'))


class Email(metaclass=PoolMeta):
    __name__ = 'inbound.email'

    care_status = fields.Selection(
        CARE_STATUSES, "Customer Care Status", readonly=True)
    care_note = fields.Text(
        "Customer Care Note", readonly=True,
        help="Why the message opened no case, or what was done with it.")
    care_sender = fields.Char(
        "Sender", readonly=True,
        help="The address of the sender, in lower case.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t,
                (t.inbox, Index.Range()),
                (t.care_status, Index.Equality(cardinality='low')),
                (t.create_date, Index.Range())))

    @classmethod
    def copy(cls, emails, default=None):
        default = default.copy() if default is not None else {}
        for name in ['care_status', 'care_note', 'care_sender']:
            default.setdefault(name)
        return super().copy(emails, default=default)

    def _as_dict(self, raw):
        try:
            return super()._as_dict(raw)
        except email_message.PARSE_ERRORS:
            # The stdlib header parser fails on some malformed addresses:
            # read the message as the gateway does so that the rules can
            # still match it
            return self._care_as_dict(email_message.parse(raw))

    @staticmethod
    def _care_as_dict(message):
        value = {}
        if from_ := email_message.from_address(message):
            value['from'] = from_[1]
        for key in ['To', 'Cc', 'Bcc']:
            if found := email_message.addresses(message, key):
                value[key.lower()] = [a for _, a in found]
        value['subject'] = email_message.subject(message)
        value['text'] = email_message.text_body(message)
        if (html := email_message.html_body(message)) is not None:
            value['html'] = html
        value['attachments'] = [{
                'filename': name, 'type': type_, 'data': data}
            for name, type_, data in email_message.attachments(message)]
        value['headers'] = {
            name: email_message.header(message, name)
            for name, _ in message.raw_items()}
        return value

    def care_message(self):
        "Return the EmailMessage of the data, whatever its type"
        if self.data_type == 'raw':
            return email_message.parse(self.data)
        try:
            payload = json.loads(self.data)
        except (ValueError, TypeError):
            return email_message.parse(b'')
        if self.data_type == 'mailchimp':
            return email_message.parse(payload.get('raw_msg', ''))
        elif self.data_type == 'mailpace':
            return email_message.parse(payload.get('raw', ''))
        elif self.data_type == 'sendgrid':
            return email_message.parse(payload.get('email', ''))
        return self._care_message_of_dict(self.as_dict())

    @staticmethod
    def _care_message_of_dict(value):
        "Return an EmailMessage built from as_dict (a provider without raw)"
        message = EmailMessage()
        for name, header in (value.get('headers') or {}).items():
            if name.lower() in {
                    'content-type', 'content-transfer-encoding',
                    'mime-version'}:
                continue
            try:
                message[name] = header
            except email_message.PARSE_ERRORS:
                continue
        for name, key in [('From', 'from'), ('Subject', 'subject')]:
            if name not in message and value.get(key):
                message[name] = value[key]
        if 'Cc' not in message and value.get('cc'):
            message['Cc'] = ', '.join(value['cc'])
        message.set_content(value.get('text') or '')
        if value.get('html'):
            message.add_alternative(value['html'], subtype='html')
        for attachment in value.get('attachments') or []:
            maintype, _, subtype = (
                attachment.get('type') or 'application/octet-stream'
                ).partition('/')
            message.add_attachment(
                attachment.get('data') or b'',
                maintype=maintype, subtype=subtype or 'octet-stream',
                filename=attachment.get('filename') or 'attachment')
        return message

    def care_set(self, status, note=None, reprocess=False):
        """Record what the gateway did with the message; reprocess lets the
        Process button run the rules again"""
        self.care_status = status
        self.care_note = note
        if reprocess:
            self.rule = None
            self.result = None


class Rule(metaclass=PoolMeta):
    __name__ = 'inbound.email.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection.append(
            ('customer_care.case|from_inbound_email',
                "Register Customer Care Case"))

    @classmethod
    def validate_fields(cls, rules, field_names):
        super().validate_fields(rules, field_names)
        cls.check_care_company(rules, field_names)

    @classmethod
    def check_care_company(cls, rules, field_names=None):
        if field_names and not (field_names & {'action', 'inbox'}):
            return
        for rule in rules:
            if (rule.action == 'customer_care.case|from_inbound_email'
                    and not rule.inbox.company):
                raise InboundEmailValidationError(gettext(
                        'customer_care.msg_inbound_email_rule_company',
                        inbox=rule.inbox.rec_name))


@contextmanager
def savepoint(name='customer_care_inbound_email'):
    """Undo the database work and the e-mails queued in the block when it
    raises: a message never leaves half a case"""
    transaction = Transaction()
    connection = transaction.connection
    cursor = connection.cursor()
    if backend.name == 'sqlite' and not connection.in_transaction:
        # A savepoint outside a transaction would commit when released
        cursor.execute('BEGIN IMMEDIATE')
    queued = {
        id(d): len(d.queue) for d in transaction._datamanagers
        if hasattr(d, 'queue')}
    cursor.execute(f'SAVEPOINT {name}')
    try:
        yield
    except BaseException:
        cursor.execute(f'ROLLBACK TO SAVEPOINT {name}')
        for datamanager in transaction._datamanagers:
            if hasattr(datamanager, 'queue'):
                del datamanager.queue[queued.get(id(datamanager), 0):]
        for cache in transaction.cache.values():
            cache.clear()
        raise
    else:
        cursor.execute(f'RELEASE SAVEPOINT {name}')
