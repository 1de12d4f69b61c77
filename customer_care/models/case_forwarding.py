# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Forwarding a case to the competent organisation (Ley 1755 de 2015,
art. 21).

When the company is not competent for a petition, *Not Competent* puts the
case in the state *To Forward* with its forwarding due date: the day it was
received for a verbal petition (the petitioner is told at once), the fifth
business day after it for a written one. Its responsible is reminded of it,
and its team's manager told once it is overdue, by the scheduled action of
the reminders (reminder.py).

The *Forward* wizard then names the competent organisation and its e-mail
address, or states that no organisation is competent and why; it writes the
forwarding letter (reports/forward_letter.html), e-mails the organisation
the letter with the petition (the case's attachments), e-mails the
petitioner the notice with a copy of the letter, and closes the case in the
state *Forwarded*. The answer term of the case stops: the competent
organisation answers within its own term, counted from its receipt.
"""
import datetime as dt
import re
from email.utils import parseaddr

from trytond.i18n import gettext
from trytond.model import Index, ModelView, Workflow, fields
from trytond.modules.company.model import employee_field, set_employee
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .calendar import get_calendar, to_local
from .customer_email import (
    _default_template, _template_domain, html_paragraphs, report_attachment)
from .exceptions import ForwardError, ReportError
from .notify import language_of, send_email
from .report import CaseReport

# The days the organisation has to forward a written petition (art. 21)
FORWARD_DAYS = 5
# The states from which a case is found not competent
NOT_COMPETENT_STATES = ['registered', 'analysis', 'assigned']
# The kinds of reminders of the cases to forward (reminder.py)
FORWARD_KINDS = {'forward_reminder', 'forward_escalation'}
FORWARD_TEMPLATE_FIELDS = {
    'forward_template', 'forward_notice_template', 'none_competent_template'}


def valid_address(address):
    "Return whether address is an e-mail address"
    return bool(re.fullmatch(
            r'[^@\s<>,]+@[^@\s<>,]+\.[^@\s<>,]+',
            parseaddr(address or '')[1] or ''))


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

    forward_due_date = fields.Date(
        "Forward By", readonly=True,
        states={
            'invisible': ~Eval('forward_due_date'),
            },
        help="The last day to forward the petition to the competent "
        "organisation and tell the petitioner: the day it was received "
        "when verbal, the fifth business day after it when written.")
    forwarded_to = fields.Many2One(
        'party.party', "Competent Organisation", readonly=True,
        states={
            'invisible': ~Eval('forwarded_to'),
            },
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The organisation the petition was forwarded to.")
    forwarded_email = fields.Char(
        "Forwarded to E-mail", readonly=True,
        states={
            'invisible': ~Eval('forwarded_email'),
            })
    none_competent = fields.Boolean(
        "No Organisation Competent", readonly=True,
        states={
            'invisible': ~Eval('none_competent'),
            })
    none_competent_reason = fields.Text(
        "Reason No Organisation Is Competent", readonly=True,
        states={
            'invisible': ~Eval('none_competent'),
            })
    forwarded_date = fields.DateTime(
        "Forwarded On", readonly=True,
        states={
            'invisible': ~Eval('forwarded_date'),
            })
    forwarded_by = employee_field("Forwarded By", states=['forwarded'])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = list(cls.state.selection)
        index = [s for s, _ in selection].index('answered')
        selection[index:index] = [
            ('forwarding', "To Forward"),
            ('forwarded', "Forwarded"),
            ]
        cls.state.selection = selection
        t = cls.__table__()
        cls._sql_indexes.add(
            # The reminders of the cases to forward
            Index(t, (t.forward_due_date, Index.Range()),
                where=t.state == 'forwarding'))
        cls._transitions |= {
            ('registered', 'forwarding'),
            ('analysis', 'forwarding'),
            ('assigned', 'forwarding'),
            # Competent after all
            ('forwarding', 'analysis'),
            ('forwarding', 'forwarded'),
            }
        cls._buttons['analyse']['invisible'] = ~Eval('state').in_(
            ['registered', 'assigned', 'forwarding'])
        cls._buttons.update({
                'not_competent': {
                    'invisible': ~Eval('state').in_(NOT_COMPETENT_STATES),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'forward': {
                    'invisible': Eval('state') != 'forwarding',
                    'icon': 'tryton-send',
                    'depends': ['state'],
                    },
                })
        cls._reminder_messages = {
            **cls._reminder_messages,
            'forward_reminder': (
                'customer_care.msg_case_forward_reminder_subject',
                'customer_care.msg_case_forward_reminder_body'),
            'forward_escalation': (
                'customer_care.msg_case_forward_escalation_subject',
                'customer_care.msg_case_forward_escalation_body'),
            }

    @classmethod
    def default_none_competent(cls):
        return False

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('//group[@id="forwarding"]', 'states', {
                    'invisible': ~Eval('forward_due_date'),
                    }),
            ]

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        for name in ['forward_due_date', 'forwarded_to', 'forwarded_email',
                'none_competent_reason', 'forwarded_date', 'forwarded_by']:
            default.setdefault(name, None)
        default.setdefault('none_competent', False)
        return super().copy(cases, default=default)

    def get_forward_due_date(self):
        """Return the last day to forward the case: the day it was received
        when verbal, FORWARD_DAYS business days after it when written"""
        received = to_local(self.received, self.company).date()
        if self.verbal:
            return received
        return get_calendar(self.company).add_days(received, FORWARD_DAYS)

    @classmethod
    @ModelView.button
    @Workflow.transition('forwarding')
    def not_competent(cls, cases):
        now = dt.datetime.now()
        for case in cases:
            case.forward_due_date = case.get_forward_due_date()
            # Found not competent is the first response of the SLA
            if not case.first_response_date:
                case.first_response_date = now
        cls.save(cases)
        cls.chat_post(cases, 'customer_care.msg_case_not_competent')

    @classmethod
    @ModelView.button_action('customer_care.wizard_case_forward')
    def forward(cls, cases):
        pass

    def check_forward(self, organisation, email, reason):
        """Raise ForwardError when the case cannot be forwarded to
        organisation at email, or closed as none competent for reason when
        there is no organisation"""
        if self.state != 'forwarding':
            raise ForwardError(gettext(
                    'customer_care.msg_case_forward_state',
                    case=self.rec_name))
        if organisation:
            if not valid_address(email):
                raise ForwardError(gettext(
                        'customer_care.msg_case_forward_email',
                        case=self.rec_name,
                        organisation=organisation.rec_name))
        elif reason is None:
            raise ForwardError(gettext(
                    'customer_care.msg_case_forward_organisation',
                    case=self.rec_name))
        elif not reason.strip():
            raise ForwardError(gettext(
                    'customer_care.msg_case_forward_none_reason',
                    case=self.rec_name))

    @classmethod
    def apply_forward(cls, cases, organisation=None, email=None, reason=None):
        """Forward the cases to the competent organisation at email, or,
        without organisation, close them because no organisation is
        competent for reason (None when not stated); e-mail the letter to
        the organisation and the notice to the petitioner"""
        for case in cases:
            case.check_forward(organisation, email, reason)
        now = dt.datetime.now()
        if organisation:
            values = {
                'forwarded_to': organisation.id,
                'forwarded_email': email.strip(),
                'none_competent': False,
                'none_competent_reason': None,
                }
        else:
            values = {
                'forwarded_to': None,
                'forwarded_email': None,
                'none_competent': True,
                'none_competent_reason': reason.strip(),
                }
        values.update({
                'forwarded_date': now,
                # The case is finished for the company: its SLA stops
                'closed_date': now,
                })
        cls.write(list(cases), values)
        cls.forwarded(cases)
        for case in cases:
            if case.forwarded_to:
                case.send_forward_email()
                case.send_customer_email('forward_notice_template')
            else:
                case.send_customer_email('none_competent_template')
        cls.chat_post(
            [c for c in cases if c.forwarded_to],
            'customer_care.msg_case_forwarded', audience='public')
        cls.chat_post(
            [c for c in cases if not c.forwarded_to],
            'customer_care.msg_case_none_competent', audience='public')

    @classmethod
    @Workflow.transition('forwarded')
    @set_employee('forwarded_by')
    def forwarded(cls, cases):
        pass

    def email_template_variables(self):
        variables = super().email_template_variables()
        variables.update({
                'organisation': (
                    self.forwarded_to.rec_name if self.forwarded_to else ''),
                'organisation_email': self.forwarded_email or '',
                'forward_reason': self.none_competent_reason or '',
                'forward_reason_html': html_paragraphs(
                    self.none_competent_reason),
                })
        return variables

    def forward_email_attachments(self, template, language):
        """Return the (file name, content) of the reports of the template
        (the forwarding letter) and of the attachments of the case (the
        petition)"""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        attachments = [report_attachment(a, self, language)
            for a in template.reports]
        for attachment in Attachment.search([
                    ('resource', '=', str(self)),
                    ('type', '=', 'data'),
                    ], order=[('id', 'ASC')]):
            attachments.append((attachment.name, attachment.data))
        return attachments

    def send_forward_email(self):
        """E-mail the competent organisation the forwarding letter with the
        petition, from the forward template; return the ir.email"""
        template = self.customer_email_template('forward_template')
        address = self.forwarded_email
        subject, html, text = self.render_customer_email(
            template, party=self.forwarded_to)
        return send_email(
            address, subject, text, resource=self,
            attachments=self.forward_email_attachments(
                template, language_of(self.customer)),
            html=html, headers=self.email_headers(address))

    # Reminders of the cases to forward: the responsible (else the team's
    # manager), escalated to the team's manager the day after
    @classmethod
    def _reminder_where(cls, tables, kind):
        if kind in FORWARD_KINDS:
            return tables[None].state == 'forwarding'
        return super()._reminder_where(tables, kind)

    @classmethod
    def _reminder_due_date(cls, tables, kind):
        if kind in FORWARD_KINDS:
            return tables[None].forward_due_date
        return super()._reminder_due_date(tables, kind)


class Reminder(metaclass=PoolMeta):
    __name__ = 'customer_care.reminder'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection = list(cls.kind.selection) + [
            ('forward_reminder', "Forwarding Reminder"),
            ('forward_escalation', "Forwarding Escalation"),
            ]


class Configuration(metaclass=PoolMeta):
    __name__ = 'customer_care.configuration'

    forward_template = fields.MultiValue(fields.Many2One(
            'ir.email.template', "Forward Template",
            required=True, domain=_template_domain(),
            help="The e-mail to the competent organisation of a case "
            "forwarded to it; its reports (the forwarding letter) and the "
            "attachments of the case are attached."))
    forward_notice_template = fields.MultiValue(fields.Many2One(
            'ir.email.template', "Forward Notice Template",
            required=True, domain=_template_domain(),
            help="The e-mail that tells the customer their case was "
            "forwarded to the competent organisation; its reports (a copy "
            "of the forwarding letter) are attached."))
    none_competent_template = fields.MultiValue(fields.Many2One(
            'ir.email.template', "No Competent Organisation Template",
            required=True, domain=_template_domain(),
            help="The e-mail that tells the customer that no organisation "
            "is competent for their case, and why."))

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in FORWARD_TEMPLATE_FIELDS:
            return pool.get('customer_care.configuration.customer_email')
        return super().multivalue_model(field)

    @classmethod
    def default_forward_template(cls, **pattern):
        return cls.multivalue_model(
            'forward_template').default_forward_template()

    @classmethod
    def default_forward_notice_template(cls, **pattern):
        return cls.multivalue_model(
            'forward_notice_template').default_forward_notice_template()

    @classmethod
    def default_none_competent_template(cls, **pattern):
        return cls.multivalue_model(
            'none_competent_template').default_none_competent_template()


class ConfigurationCustomerEmail(metaclass=PoolMeta):
    __name__ = 'customer_care.configuration.customer_email'

    forward_template = fields.Many2One(
        'ir.email.template', "Forward Template",
        required=True, domain=_template_domain(), ondelete='RESTRICT')
    forward_notice_template = fields.Many2One(
        'ir.email.template', "Forward Notice Template",
        required=True, domain=_template_domain(), ondelete='RESTRICT')
    none_competent_template = fields.Many2One(
        'ir.email.template', "No Competent Organisation Template",
        required=True, domain=_template_domain(), ondelete='RESTRICT')

    @classmethod
    def default_forward_template(cls):
        return _default_template('email_template_case_forward')

    @classmethod
    def default_forward_notice_template(cls):
        return _default_template('email_template_case_forward_notice')

    @classmethod
    def default_none_competent_template(cls):
        return _default_template('email_template_case_none_competent')


class ForwardStart(ModelView):
    __name__ = 'customer_care.case.forward.start'
    __string__ = "Forward Case"

    case = fields.Many2One('customer_care.case', "Case", readonly=True)
    forward_due_date = fields.Date("Forward By", readonly=True)
    none_competent = fields.Boolean(
        "No Organisation Competent",
        help="No organisation is competent for the petition: the customer "
        "is told why and the case is closed.")
    organisation = fields.Many2One(
        'party.party', "Competent Organisation",
        context={
            'company': Eval('company', -1),
            },
        states={
            'required': ~Eval('none_competent'),
            'invisible': Bool(Eval('none_competent')),
            },
        depends={'company'})
    email = fields.Char(
        "E-mail",
        states={
            'required': ~Eval('none_competent'),
            'invisible': Bool(Eval('none_competent')),
            },
        help="Where the forwarding letter and the petition are sent.")
    reason = fields.Text(
        "Reason",
        states={
            'required': Bool(Eval('none_competent')),
            'invisible': ~Eval('none_competent'),
            },
        help="Why no organisation is competent, as the customer reads it.")
    company = fields.Many2One('company.company', "Company", readonly=True)

    @fields.depends('organisation')
    def on_change_organisation(self):
        if self.organisation:
            self.email = self.organisation.email


class Forward(Wizard):
    __name__ = 'customer_care.case.forward'

    start = StateView(
        'customer_care.case.forward.start',
        'customer_care.case_forward_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Forward", 'forward', 'tryton-send', default=True),
            ])
    forward = StateTransition()

    def default_start(self, fields):
        return {
            'case': self.record.id,
            'forward_due_date': self.record.forward_due_date,
            'company': self.record.company.id,
            'none_competent': False,
            }

    def transition_forward(self):
        if self.start.none_competent:
            self.model.apply_forward(
                [self.record], reason=self.start.reason or '')
        else:
            self.model.apply_forward(
                [self.record], self.start.organisation, self.start.email)
        return 'end'


class ForwardLetter(CaseReport):
    __name__ = 'customer_care.case.forward_letter'

    @classmethod
    def check_case(cls, case):
        if not case.forwarded_to and not case.none_competent:
            raise ReportError(gettext(
                    'customer_care.msg_report_forward_letter_not_forwarded',
                    case=case.rec_name))

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        context = super().get_context(records, header, data)

        def attachments(case):
            return Attachment.search([
                    ('resource', '=', str(case)),
                    ('type', '=', 'data'),
                    ], order=[('id', 'ASC')])
        context['attachments'] = attachments
        return context
