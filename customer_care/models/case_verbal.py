# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The verbal petitions (Ley 1755 de 2015, art. 15; Decreto 1166 de 2016):
a case received in person or by phone is marked verbal, its filing record
(constancia de radicación, report.py VerbalRecord) is printed for the
petitioner, and it may be answered verbally: the answer is written into
the case and printed on the record, and no e-mail is sent.

A missing datum never stops the registration (a petition is not refused
for lack of requirements, Decreto 1166): the record lists what it needs
(missing_verbal_data) and is not printed until the case has it."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .exceptions import CaseError, ReportError
from .report import CaseReport

# The channels of the petitions made by voice
VERBAL_CHANNELS = {'in_person', 'phone'}


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

    verbal = fields.Boolean(
        "Verbal",
        states={
            'readonly': ~Eval('state').in_(['draft', 'registered']),
            },
        help="The petition was made by voice (in person or by phone): its "
        "filing record can be printed and it can be answered verbally.")
    answered_verbally = fields.Boolean(
        "Answered Verbally", readonly=True,
        states={
            'invisible': ~Eval('verbal'),
            },
        help="The answer was given by voice: it is written into the case "
        "and printed on the filing record; no e-mail was sent.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'answer_verbally': {
                    'invisible': (~Eval('verbal')
                        | ~Eval('state').in_(['analysis', 'assigned'])),
                    'readonly': ~Eval('answer'),
                    'icon': 'tryton-ok',
                    'depends': ['verbal', 'state', 'answer'],
                    },
                })

    @classmethod
    def default_verbal(cls):
        return cls.default_channel() in VERBAL_CHANNELS

    @classmethod
    def default_answered_verbally(cls):
        return False

    @fields.depends('channel')
    def on_change_channel(self):
        self.verbal = self.channel in VERBAL_CHANNELS

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('answered_verbally', False)
        return super().copy(cases, default=default)

    def missing_verbal_data(self):
        """Return the labels of what the filing record of the verbal case
        must have and the case lacks (Decreto 1166 de 2016)"""
        missing = []
        if not self.verbal_identification():
            missing.append(gettext(
                    'customer_care.msg_verbal_missing_identification'))
        if not (self.customer.address_get()
                or self.contact_email or self.customer.email):
            missing.append(gettext(
                    'customer_care.msg_verbal_missing_address'))
        if not self.subject or not self.subject.strip():
            missing.append(gettext(
                    'customer_care.msg_verbal_missing_subject'))
        if not (self.description or '').strip():
            missing.append(gettext(
                    'customer_care.msg_verbal_missing_reasons'))
        if not self.registered_by:
            missing.append(gettext(
                    'customer_care.msg_verbal_missing_employee'))
        return missing

    def verbal_identification(self):
        "Return the identifier of the petitioner printed on the record"
        party = self.customer
        if party.tax_identifier:
            return party.tax_identifier
        return party.identifiers[0] if party.identifiers else None

    def verbal_documents(self):
        "Return the names of the documents received with the petition"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        attachments = Attachment.search([
                ('resource', '=', str(self)),
                ], order=[('create_date', 'ASC'), ('id', 'ASC')])
        return [a.name for a in attachments]

    @classmethod
    @ModelView.button
    def answer_verbally(cls, cases):
        "Answer the verbal cases by voice: their answer without an e-mail"
        for case in cases:
            if not case.verbal:
                raise CaseError(gettext(
                        'customer_care.msg_case_answer_verbally_not_verbal',
                        case=case.rec_name))
            if case.state not in {'analysis', 'assigned'}:
                raise CaseError(gettext(
                        'customer_care.msg_case_respond_state',
                        case=case.rec_name))
            if not (case.answer or '').strip():
                raise CaseError(gettext(
                        'customer_care.msg_case_answer_empty',
                        case=case.rec_name))
            cls._check_information_answered(case)
        for case in cases:
            case.answered_verbally = True
        # respond saves them with their answer date
        cls.respond(cases)

    def send_customer_email(self, template_name, **variables):
        if template_name == 'answer_template' and self.answered_verbally:
            # The answer was given by voice
            return None
        return super().send_customer_email(template_name, **variables)

    @classmethod
    def reopen(cls, cases):
        super().reopen(cases)
        cls.write(cases, {'answered_verbally': False})


class VerbalRecord(CaseReport):
    "The filing record of a verbal petition (constancia de radicación)"
    __name__ = 'customer_care.case.verbal_record'

    @classmethod
    def check_case(cls, case):
        if not case.verbal:
            raise ReportError(gettext(
                    'customer_care.msg_report_verbal_record_not_verbal',
                    case=case.rec_name))
        if case.state == 'draft':
            raise ReportError(gettext(
                    'customer_care.msg_report_verbal_record_draft',
                    case=case.rec_name))
        if missing := case.missing_verbal_data():
            raise ReportError(gettext(
                    'customer_care.msg_report_verbal_record_missing',
                    case=case.rec_name, missing=', '.join(missing)))
