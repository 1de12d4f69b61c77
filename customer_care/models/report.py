# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The base of the reports, and the letters and certificates of a case
(HTML templates printed to PDF).

Each report is rendered in the language of the case's customer: the
templates set it with set_lang, so their text is translated through the
report translations (locale/*.po) and the dates take its format.

The report engine gives an HTML template no way to include another file
(it is read from its content alone, and weasyprint fetches only http and
https), so the shared parts come through the context: the style sheets as
text and the letterhead of the letters as a rendered stream.
"""
from functools import partial

from genshi.core import Markup
from genshi.template import MarkupTemplate

from trytond.i18n import gettext
from trytond.modules.company import CompanyReport
from trytond.pool import Pool
from trytond.tools import file_open
from trytond.transaction import Transaction

from .calendar import to_local
from .exceptions import ReportError


def paragraphs(text):
    "Return the paragraphs of text (separated by blank lines)"
    return [p.strip() for p in (text or '').split('\n\n') if p.strip()]


def stylesheet(name):
    "Return the style sheet reports/<name>.css"
    with file_open(f'customer_care/reports/{name}.css') as file:
        return Markup(file.read())


def letterhead(company):
    """Return the letterhead of company (reports/letterhead.html): its
    name, its address block and its report footer"""
    with file_open('customer_care/reports/letterhead.html', mode='rb') as file:
        template = MarkupTemplate(file, filename='letterhead.html')
    return template.generate(company=company)


class CareReport(CompanyReport):
    """The base of the module's reports: today's date of the company, its
    local time (local), the paragraphs of a text (paragraphs) and the
    common style sheet of the documents (document_css)"""

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        company = header.get('company')
        with Transaction().set_context(company=company.id if company else None):
            context['today'] = Date.today()
        context['local'] = lambda d: to_local(d, company)
        context['paragraphs'] = paragraphs
        context['document_css'] = stylesheet('document')
        return context


class CaseReport(CareReport):
    """A letter about a case, that may print only some cases: on top of the
    documents' style sheet, the letters' one (letter_css) and the company's
    letterhead (letterhead())"""

    @classmethod
    def check_case(cls, case):
        "Raise ReportError when the case cannot be printed"

    @classmethod
    def get_context(cls, records, header, data):
        for record in records:
            cls.check_case(record)
        context = super().get_context(records, header, data)
        context['letter_css'] = stylesheet('letter')
        context['letterhead'] = partial(letterhead, context['company'])
        return context


class AnswerLetter(CaseReport):
    __name__ = 'customer_care.case.answer_letter'

    @classmethod
    def check_case(cls, case):
        if not case.answer_date or not case.answer:
            raise ReportError(gettext(
                    'customer_care.msg_report_answer_letter_unanswered',
                    case=case.rec_name))

    @classmethod
    def _action(cls):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        ModelData = pool.get('ir.model.data')
        return ActionReport(ModelData.get_id(
                'customer_care', 'report_answer_letter'))

    @classmethod
    def attachment_name(cls, case):
        "Return the file name of the letter of case e-mailed to the customer"
        from .customer_email import report_attachment_name
        from .notify import language_of
        with Transaction().set_context(language=language_of(case.customer)):
            return report_attachment_name(cls._action(), case)

    @classmethod
    def attachment(cls, case):
        "Return the (file name, PDF) of the answer letter of case"
        from .customer_email import report_attachment
        from .notify import language_of
        return report_attachment(
            cls._action(), case, language_of(case.customer))


class RegulatorCertificate(CaseReport):
    __name__ = 'customer_care.case.regulator_certificate'

    @classmethod
    def check_case(cls, case):
        if case.channel != 'regulator' or not case.answer_date:
            raise ReportError(gettext(
                    'customer_care.msg_report_certificate_regulator',
                    case=case.rec_name))


class ExtensionNotice(CaseReport):
    __name__ = 'customer_care.case.extension_notice'

    @classmethod
    def check_case(cls, case):
        if not case.extension_duration:
            raise ReportError(gettext(
                    'customer_care.msg_report_extension_not_extended',
                    case=case.rec_name))
