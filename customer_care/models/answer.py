# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Sending the answer of a case: the confirmation shows what leaves.

The *Answer* button of the case opens the wizard; its first step shows the
recipient, the subject, the text of the e-mail and the letter attached, all
read-only, and *Send* answers the case (``Case.respond``), which e-mails the
customer the answer with the answer letter in PDF. The subject, the text
and the attachments come from the answer template of the configuration
(customer_email.py), as they are sent.
"""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pyson import Bool, Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import CaseError


class RespondStart(ModelView):
    __name__ = 'customer_care.case.respond.start'
    __string__ = "Send the Answer"

    case = fields.Many2One('customer_care.case', "Case", readonly=True)
    to = fields.Char(
        "To", readonly=True,
        help="The contact e-mail of the case, else the customer's e-mail.")
    subject = fields.Char("Subject", readonly=True)
    body = fields.Text(
        "Message", readonly=True,
        help="The text of the e-mail, from the answer template (the e-mail "
        "also has it in HTML).")
    attachment = fields.Char(
        "Attachment", readonly=True,
        help="The reports of the answer template (the answer letter), in "
        "the customer's language.")

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('//label[@id="no_address"]', 'states', {
                    'invisible': Bool(Eval('to')),
                    }),
            ('//group[@id="email"]', 'states', {
                    'invisible': ~Eval('to'),
                    }),
            ]


class Respond(Wizard):
    __name__ = 'customer_care.case.respond'

    start = StateView(
        'customer_care.case.respond.start',
        'customer_care.case_respond_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-send', default=True,
                states={
                    'invisible': ~Eval('to'),
                    }),
            Button("Record the Answer", 'record_answer', 'tryton-ok',
                states={
                    'invisible': Bool(Eval('to')),
                    }),
            ])
    send = StateTransition()
    record_answer = StateTransition()

    def check(self):
        "Raise CaseError when the case cannot be answered now"
        case = self.record
        if case.state not in {'analysis', 'assigned'}:
            raise CaseError(gettext(
                    'customer_care.msg_case_respond_state',
                    case=case.rec_name))
        if not (case.answer or '').strip():
            raise CaseError(gettext(
                    'customer_care.msg_case_answer_empty',
                    case=case.rec_name))
        self.model._check_information_answered(case)

    def default_start(self, fields):
        self.check()
        case = self.record
        to = case.answer_recipient()
        values = {
            'case': case.id,
            'to': to,
            }
        if to:
            subject, body, _ = case.answer_email()
            template = case.customer_email_template('answer_template')
            values.update({
                    'subject': subject,
                    'body': body,
                    'attachment': ', '.join(
                        case.customer_email_attachment_names(template))
                    or None,
                    })
        return values

    def transition_send(self):
        self.check()
        self.model.respond([self.record])
        return 'end'

    def transition_record_answer(self):
        # Without an address respond sends nothing
        return self.transition_send()
