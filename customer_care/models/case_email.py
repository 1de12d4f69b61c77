# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The cases that arrive by e-mail: what the case keeps of the message it
came from, and the rule action of inbound_email that registers a case from
a message or adds a reply to the case it answers (the parsing is in
email_message.py, the inbox settings in inbound_email.py)."""
from email.utils import getaddresses

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools.email_ import EmailNotValidError, validate_email
from trytond.transaction import Transaction, without_check_access

from . import email_message
from .inbound_email import NOISE_MESSAGES, savepoint
from .notify import notify_users

# The states in which a reply is added to the case; after them a reply opens
# a new case with the old one as origin
REPLY_STATES = {
    'draft', 'registered', 'analysis', 'assigned', 'waiting', 'customer',
    'forwarding', 'answered'}


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

    email_message_id = fields.Char(
        "E-mail Message-ID", readonly=True, strip=False,
        states={
            'invisible': ~Eval('email_message_id'),
            },
        help="The Message-ID of the e-mail the case came from: the e-mails "
        "sent about the case refer to it, to stay in one conversation.")
    email_cc = fields.Char(
        "E-mail Copies", readonly=True,
        states={
            'invisible': ~Eval('email_cc'),
            },
        help="The other recipients (Cc) of the e-mail the case came from.")
    customer_to_confirm = fields.Boolean(
        "Customer to Confirm", readonly=True,
        help="Several parties have the sender's e-mail address: the "
        "customer is the candidate with the latest case until an agent "
        "picks the right one among the candidates.")
    customer_candidates = fields.Many2Many(
        'customer_care.case-party.party', 'case', 'party',
        "Customer Candidates", readonly=True,
        states={
            'invisible': ~Eval('customer_to_confirm'),
            },
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The parties that have the sender's e-mail address.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'confirm_customer': {
                    'invisible': ~Eval('customer_to_confirm'),
                    'icon': 'tryton-ok',
                    'depends': ['customer_to_confirm'],
                    },
                })

    @classmethod
    def default_customer_to_confirm(cls):
        return False

    @classmethod
    def _get_origin(cls):
        # A reply to a closed case opens a new one from it
        return super()._get_origin() + ['customer_care.case']

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if (mode == 'write' and 'customer' in values
                and 'customer_to_confirm' not in values):
            # Choosing the customer is confirming it
            values['customer_to_confirm'] = False
        return values

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('email_message_id')
        default.setdefault('email_cc')
        default.setdefault('customer_to_confirm', False)
        default.setdefault('customer_candidates', None)
        return super().copy(cases, default=default)

    @classmethod
    @ModelView.button
    def confirm_customer(cls, cases):
        cls.write(cases, {'customer_to_confirm': False})

    # ---- The rule action of inbound_email ----------------------------------

    @classmethod
    def from_inbound_email(cls, inbound_email, rule):
        """Register a case from the inbound e-mail, or add it to the case it
        replies to; return the case, the chat message or None (noise, held
        back, refused: the inbound e-mail says why)"""
        inbox = inbound_email.inbox
        if not inbox.company:
            inbound_email.care_set('refused', gettext(
                    'customer_care.msg_inbound_email_no_company',
                    inbox=inbox.rec_name), reprocess=True)
            return None
        message = inbound_email.care_message()
        with Transaction().set_context(company=inbox.company.id), \
                without_check_access():
            return cls._from_email_message(inbound_email, message)

    @classmethod
    def _from_email_message(cls, inbound_email, message):
        inbox = inbound_email.inbox
        was_held = getattr(inbound_email, 'care_status', None) == 'held'
        inbound_email.care_set(None)

        own_addresses = inbox.care_own_addresses()
        reason = email_message.noise_reason(message, own_addresses)
        if reason:
            inbound_email.care_set('ignored', gettext(NOISE_MESSAGES[reason]))
            return None
        name, address = email_message.sender(message)
        if address.lower() in own_addresses:
            # A Reply-To naming the inbox would answer the inbox itself
            name, address = email_message.from_address(message)
        inbound_email.care_sender = address.lower()
        try:
            validate_email(address)
        except EmailNotValidError:
            # Also when the domain cannot be checked: process it again later
            inbound_email.care_set('refused', gettext(
                    'customer_care.msg_inbound_email_invalid_sender',
                    address=address), reprocess=True)
            return None
        if not was_held and inbox.care_over_limit(address):
            inbound_email.care_set('held', gettext(
                    'customer_care.msg_inbound_email_held',
                    address=address, limit=inbox.care_sender_limit),
                reprocess=True)
            return None

        case = cls.case_of_email_reply(inbox.company, message, address)
        try:
            with savepoint():
                if case and case.state in REPLY_STATES:
                    result = case.add_email_reply(inbox, message, address)
                    inbound_email.care_set('replied', gettext(
                            'customer_care.msg_inbound_email_replied',
                            case=case.rec_name))
                else:
                    result = cls.register_email(
                        inbox, message, name, address, origin=case)
                    inbound_email.care_set('registered', gettext(
                            'customer_care.msg_inbound_email_registered',
                            case=result.rec_name))
        except (UserError, backend.DatabaseIntegrityError,
                backend.DatabaseDataError) as exception:
            inbound_email.care_set('refused', gettext(
                    'customer_care.msg_inbound_email_refused',
                    error=getattr(exception, 'message', str(exception))),
                reprocess=True)
            return None
        return result

    @classmethod
    def case_of_email_reply(cls, company, message, address):
        """Return the case the message replies to, or None: the case that
        sent or received a message it refers to, else the case whose number
        is a word of its subject if the sender is known to the case"""
        pool = Pool()
        IrEmail = pool.get('ir.email')
        ChatMessage = pool.get('ir.chat.message')
        ids = email_message.referenced_ids(message)
        if ids:
            cases = set(cls.search([
                        ('company', '=', company.id),
                        ('email_message_id', 'in', ids),
                        ]))
            for sent in IrEmail.search([
                        ('message_id', 'in', ids),
                        ('resource', 'like', f'{cls.__name__},%'),
                        ]):
                cases.add(sent.resource)
            for posted in ChatMessage.search([
                        ('reference', 'in', ids),
                        ('channel.resource', 'like', f'{cls.__name__},%'),
                        ]):
                cases.add(posted.channel.resource)
            cases = [c for c in cases if c.company == company]
            if cases:
                return max(cases, key=lambda c: c.id)
        tokens = email_message.subject_tokens(email_message.subject(message))
        if tokens:
            address = address.lower()
            for case in cls.search([
                        ('company', '=', company.id),
                        ('number', 'in', sorted(tokens)),
                        ], order=[('id', 'DESC')]):
                if address in case.email_addresses():
                    return case
        return None

    def email_addresses(self):
        "Return the addresses (lower case) known to write about the case"
        addresses = set()
        if self.contact_email:
            addresses.add(self.contact_email.strip().lower())
        for mechanism in self.customer.contact_mechanisms:
            if mechanism.type == 'email' and mechanism.value:
                addresses.add(mechanism.value.strip().lower())
        for _, address in getaddresses([self.email_cc or '']):
            addresses.add(address.lower())
        return addresses - {''}

    @classmethod
    def register_email(cls, inbox, message, name, address, origin=None):
        "Create, register and acknowledge the case of the message"
        pool = Pool()
        Party = pool.get('party.party')
        company = inbox.company
        parties = Party.care_parties_of_email(address)
        candidates = []
        if len(parties) == 1:
            customer, = parties
        elif parties:
            candidates = parties
            customer = cls.provisional_customer(company, parties)
        else:
            customer = Party.create_from_email(name, address)

        text = email_message.text_body(message)
        html = email_message.html_body(message)
        attachments = email_message.attachments(message)
        if html is not None and not email_message.has_plain_body(message):
            attachments.insert(0, ('message.html', 'text/html',
                    html.encode('utf-8')))
        attachments, notes = inbox.care_split_attachments(attachments)
        raw = message.as_bytes()
        original = [('message.eml', 'message/rfc822', raw)]
        if inbox.care_split_attachments(original)[1]:
            # The original stays in the inbound e-mail
            original = []
        description = '\n\n'.join(filter(None, [text, *notes]))
        cc = ', '.join(a for _, a in email_message.addresses(message, 'Cc')
            if a.lower() not in inbox.care_own_addresses())

        case = cls(
            company=company,
            channel='email',
            customer=customer,
            contact_name=name or None,
            contact_email=address,
            email_cc=cc or None,
            email_message_id=email_message.message_id(message) or None,
            subject=(email_message.subject(message)
                or gettext('customer_care.msg_case_email_no_subject')),
            description=description or None,
            received=email_message.received(message),
            customer_to_confirm=bool(candidates),
            customer_candidates=candidates,
            origin=origin)
        case.save()
        cls.attach_email_files(case, original + attachments)
        cls.register([case])
        cls.acknowledge([case])
        return case

    @classmethod
    def provisional_customer(cls, company, parties):
        """Return the candidate with the latest case of the company, else the
        first created: the customer until an agent confirms one"""
        cases = cls.search([
                ('company', '=', company.id),
                ('customer', 'in', [p.id for p in parties]),
                ], order=[('received', 'DESC'), ('id', 'DESC')], limit=1)
        if cases:
            return cases[0].customer
        return min(parties, key=lambda p: p.id)

    @classmethod
    def attach_email_files(cls, case, files):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Attachment.save([
                Attachment(resource=case, name=name, type='data', data=data)
                for name, _, data in files])

    def add_email_reply(self, inbox, message, address):
        """Post the reply to the case's discussion, attach its files and
        tell the responsible; return the chat message"""
        pool = Pool()
        Channel = pool.get('ir.chat.channel')
        ChatMessage = pool.get('ir.chat.message')
        text = email_message.strip_quoted(email_message.text_body(message))
        attachments, notes = inbox.care_split_attachments(
            email_message.attachments(message))
        self.attach_email_files(self, attachments)
        if attachments:
            notes.insert(0, gettext(
                    'customer_care.msg_case_email_reply_attachments',
                    names=', '.join(n for n, _, _ in attachments)))
        content = '\n\n'.join(filter(None, [text, *notes])) or gettext(
            'customer_care.msg_case_email_reply_empty')
        channel = Channel._get_channel(self)
        chat = ChatMessage(
            channel=channel,
            email=address,
            audience='public',
            content=content,
            reference=email_message.message_id(message) or None)
        chat.save()
        Channel.dispatch_message(chat, lambda u: u == address)
        self.notify_email_reply(address)
        return chat

    def notify_email_reply(self, address):
        "Tell the responsible (else the team) that the customer wrote"
        if self.responsible:
            users = [self.responsible]
        elif self.team:
            users = self.team.get_notified_users()
        else:
            return
        notify_users(
            users, [self],
            'customer_care.msg_case_email_reply_subject',
            'customer_care.msg_case_email_reply_body',
            case=self.rec_name, subject=self.subject, sender=address)


class Case_Party(ModelSQL):
    "The parties that may be the customer of a case that came by e-mail"
    __name__ = 'customer_care.case-party.party'
    __string__ = "Case Customer Candidate"

    case = fields.Many2One(
        'customer_care.case', "Case", required=True, ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('case')
