# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The e-mails to the customer of a case, from e-mail templates.

The acknowledgement, the answer and the extension notice are written from
Tryton's e-mail templates (``ir.email.template``, *Administration > User
Interface > Actions > E-mail Templates*) that the configuration names per
company; the module ships one of each (data/email_template.xml), in English
with its Spanish translation. A template is rendered like Tryton renders it
(Genshi text template, with ``record`` the case), in the customer's
language, with the variables of the e-mail besides (``case``, ``due_date``,
``url``...): in the body, which is HTML, they are escaped. The reports of
the template (the answer letter) are attached, in the customer's language.

Every e-mail to the customer of a case is threaded: it has its own
Message-ID on the domain of the customer-care address, In-Reply-To the
previous message of the conversation (the customer's e-mail the case came
from, then each e-mail the case sent to that address) and References the
conversation (bounded), Reply-To the company's customer-care address, and
its subject always names the case number, so that a reply finds the case.
"""
import datetime as dt
import re
from email.utils import make_msgid, parseaddr
from html.parser import HTMLParser

from genshi.core import Markup, escape
from genshi.template import TextTemplate

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.tools import slugify
from trytond.transaction import Transaction, without_check_access

from .exceptions import ConfigurationValidationError
from .notify import customer_address, language_of, send_email
from .report import paragraphs

# How many Message-IDs the References of an e-mail give at most: the first
# message of the conversation and the latest ones
MAX_REFERENCES = 10

HTML_EMAIL = (
    '<!DOCTYPE html>\n<html lang="%(lang)s">\n<head>'
    '<meta charset="utf-8"/><title>%(subject)s</title></head>\n'
    '<body>%(body)s</body>\n</html>\n')

TEMPLATE_FIELDS = {
    'acknowledgement_template', 'answer_template', 'extension_template'}


def _template_domain():
    return [('model.name', '=', 'customer_care.case')]


class Configuration(metaclass=PoolMeta):
    __name__ = 'customer_care.configuration'

    customer_care_email = fields.MultiValue(fields.Char(
            "Customer Care E-mail",
            help="The address of the company's customer-care inbox: the "
            "customers' replies to the e-mails of the cases go there "
            "(Reply-To).\n"
            "Leave empty to use the server's sender address ([email] from)."))
    acknowledgement_template = fields.MultiValue(fields.Many2One(
            'ir.email.template', "Acknowledgement Template",
            required=True, domain=_template_domain(),
            help="The e-mail that gives the customer the number, the due "
            "date and the follow-up link of a case that arrived by itself."))
    answer_template = fields.MultiValue(fields.Many2One(
            'ir.email.template', "Answer Template",
            required=True, domain=_template_domain(),
            help="The e-mail of the answer of a case; its reports (the "
            "answer letter) are attached."))
    extension_template = fields.MultiValue(fields.Many2One(
            'ir.email.template', "Extension Notice Template",
            required=True, domain=_template_domain(),
            help="The e-mail that tells the customer the new due date of "
            "a case whose term is extended."))

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in TEMPLATE_FIELDS | {'customer_care_email'}:
            return pool.get('customer_care.configuration.customer_email')
        return super().multivalue_model(field)

    @classmethod
    def default_acknowledgement_template(cls, **pattern):
        return cls.multivalue_model(
            'acknowledgement_template').default_acknowledgement_template()

    @classmethod
    def default_answer_template(cls, **pattern):
        return cls.multivalue_model(
            'answer_template').default_answer_template()

    @classmethod
    def default_extension_template(cls, **pattern):
        return cls.multivalue_model(
            'extension_template').default_extension_template()


def _default_template(xml_id):
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    try:
        return ModelData.get_id('customer_care', xml_id)
    except KeyError:
        return None


class ConfigurationCustomerEmail(ModelSQL, CompanyValueMixin):
    __name__ = 'customer_care.configuration.customer_email'
    __string__ = "Customer Care Configuration Customer E-mail"

    customer_care_email = fields.Char("Customer Care E-mail")
    acknowledgement_template = fields.Many2One(
        'ir.email.template', "Acknowledgement Template",
        required=True, domain=_template_domain(), ondelete='RESTRICT')
    answer_template = fields.Many2One(
        'ir.email.template', "Answer Template",
        required=True, domain=_template_domain(), ondelete='RESTRICT')
    extension_template = fields.Many2One(
        'ir.email.template', "Extension Notice Template",
        required=True, domain=_template_domain(), ondelete='RESTRICT')

    @classmethod
    def default_acknowledgement_template(cls):
        return _default_template('email_template_case_acknowledgement')

    @classmethod
    def default_answer_template(cls):
        return _default_template('email_template_case_answer')

    @classmethod
    def default_extension_template(cls):
        return _default_template('email_template_case_extension')

    @classmethod
    def validate_fields(cls, values, field_names):
        super().validate_fields(values, field_names)
        if field_names is None or 'customer_care_email' in field_names:
            for value in values:
                address = (value.customer_care_email or '').strip()
                if address and not re.fullmatch(
                        r'[^@\s<>,]+@[^@\s<>,]+\.[^@\s<>,]+',
                        parseaddr(address)[1] or ''):
                    raise ConfigurationValidationError(gettext(
                            'customer_care.'
                            'msg_configuration_customer_care_email',
                            address=address))


def customer_care_address(company):
    """Return the address the customers reply to: the customer-care inbox
    of the company, else the server's sender ([email] from)"""
    pool = Pool()
    Configuration = pool.get('customer_care.configuration')
    address = Configuration(1).get_multivalue(
        'customer_care_email', company=company.id if company else None)
    return (address or '').strip() or config.get('email', 'from')


class _TextParser(HTMLParser):
    """Collect the text of HTML: a div is a line (as the client's rich text
    editor writes them), a paragraph or a block is set apart, a link is
    followed by its address when its text is not the address"""
    LINES = {'div', 'li', 'tr'}
    BLOCKS = {
        'address', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr',
        'ol', 'p', 'pre', 'table', 'ul'}
    HIDDEN = {'head', 'script', 'style', 'title'}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0
        self.links = []

    def _break(self, count):
        "End the text with count line breaks at least (none at its start)"
        text = ''.join(self.parts).rstrip(' ')
        if text:
            trailing = len(text) - len(text.rstrip('\n'))
            self.parts.append('\n' * max(count - trailing, 0))

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == 'br':
            self.parts.append('\n')
        elif tag in self.LINES:
            self._break(1)
            if tag == 'li':
                self.parts.append('- ')
        elif tag in self.BLOCKS:
            self._break(2)
        elif tag == 'a':
            self.links.append((dict(attrs).get('href'), len(self.parts)))

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in self.LINES:
            self._break(1)
        elif tag in self.BLOCKS:
            self._break(2)
        elif tag == 'a' and self.links:
            href, start = self.links.pop()
            if href and href != ''.join(self.parts[start:]).strip():
                self.parts.append(f' <{href}>')

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(re.sub(r'\s+', ' ', data))

    def text(self):
        text = re.sub(r' *\n *', '\n', ''.join(self.parts))
        return re.sub(r'\n{3,}', '\n\n', text).strip()


def html_text(html):
    """Return the plain text of an HTML body (the text part of the e-mail):
    lines and paragraphs as they show, links with their address.

    Not html2text (Tryton's choice): it writes Markdown, and escapes the
    "1." and "-" that start the lines of an answer."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.text()


def html_paragraphs(text):
    """Return text (paragraphs separated by blank lines) as escaped HTML,
    written as the client's rich text editor writes it (div and br only)"""
    return Markup('<div><br></div>').join(
        Markup('<div>%s</div>') % Markup('<br>').join(
            escape(line) for line in p.splitlines())
        for p in paragraphs(text))


def html_link(url):
    "Return the link to url in HTML"
    return Markup('<a href="%s">%s</a>') % (url, url) if url else ''


def report_attachment_name(action, record):
    "Return the file name of the report action of record attached to e-mails"
    number = getattr(record, 'number', None) or record.id
    return f'{slugify(f"{action.name}-{number}")}.{action.extension or "pdf"}'


def report_attachment(action, record, language):
    "Return the (file name, content) of the report action of record"
    pool = Pool()
    ActionReport = pool.get('ir.action.report')
    with Transaction().set_context(language=language):
        action = ActionReport(action.id)
        Report = pool.get(action.report_name, type='report')
        ext, content, _, _ = Report.execute([record.id], {
                'action_id': action.id,
                })
        name = report_attachment_name(action, record)
    if isinstance(content, str):
        content = content.encode('utf-8')
    return name, bytes(content)


class Case(metaclass=PoolMeta):
    __name__ = 'customer_care.case'

    def customer_email_template(self, name):
        """Return the e-mail template that the configuration field name
        (acknowledgement_template, ...) gives for the company of the case"""
        pool = Pool()
        Configuration = pool.get('customer_care.configuration')
        return Configuration(1).get_multivalue(
            name, company=self.company.id if self.company else None)

    def email_template_variables(self):
        """Return the variables that every e-mail template of the case has
        (the e-mails add theirs: the follow-up url of the acknowledgement)"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        return {
            'case': self.rec_name,
            'subject': self.subject,
            'customer': self.contact_name or self.customer.rec_name,
            'company': self.company.rec_name if self.company else '',
            'due_date': lang.strftime(self.due_date) if self.due_date else '',
            'url': '',
            'answer': self.answer or '',
            'answer_html': html_paragraphs(self.answer),
            'reason': self.extension_reason or '',
            'reason_html': html_paragraphs(self.extension_reason),
            }

    def render_customer_email(self, template, party=None, **variables):
        """Return the subject, the HTML body and the text body of the
        template for the customer of the case (or party), in their language

        variables are added to those of the template (record, user,
        format_date..., email_template_variables): dates are written in
        the customer's format and, in the body, strings are escaped (Markup
        is kept as it is). The subject names the case number, added when
        the template has not."""
        pool = Pool()
        Lang = pool.get('ir.lang')
        Template = pool.get('ir.email.template')
        language = language_of(party or self.customer)
        lang = Lang.get(language)
        with Transaction().set_context(language=lang.code):
            template = Template(template.id)
            case = self.__class__(self.id)
            context = template.get_context(case)
            variables = {**case.email_template_variables(), **variables}
            variables = {
                k: lang.strftime(v) if isinstance(v, dt.date) else v
                for k, v in variables.items()}
            body_variables = {
                k: escape(v) if isinstance(v, str) else v
                for k, v in variables.items()}
            # The client's editor keeps no link in the template: the
            # follow-up address is one
            body_variables['url'] = html_link(variables.get('url'))
            subject = TextTemplate(template.subject or '').generate(
                **{**context, **variables}).render()
            body = TextTemplate(template.body or '').generate(
                **{**context, **body_variables}).render()
        subject = ' '.join(subject.split())
        if self.number and not re.search(
                r'(?<!\w)%s(?!\w)' % re.escape(self.number), subject):
            subject = f'{subject} [{self.number}]'.strip()
        html = HTML_EMAIL % {
            'lang': escape(lang.code.replace('_', '-')),
            'subject': escape(subject),
            'body': body,
            }
        return subject, html, html_text(body)

    def customer_email_attachments(self, template):
        "Return the (file name, content) of the reports of the template"
        language = language_of(self.customer)
        return [report_attachment(a, self, language)
            for a in template.reports]

    def customer_email_attachment_names(self, template):
        "Return the file names of the reports of the template"
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        with Transaction().set_context(language=language_of(self.customer)):
            return [report_attachment_name(a, self)
                for a in ActionReport.browse([r.id for r in template.reports])]

    def email_thread(self, address):
        """Return the Message-IDs of the conversation with address, oldest
        first: the e-mail the case came from, then the e-mails the case sent
        to that address; bounded to the first and the latest ones"""
        pool = Pool()
        Email = pool.get('ir.email')
        address = parseaddr(address)[1]
        with without_check_access():
            emails = Email.search([
                    ('resource', '=', str(self)),
                    ('addresses.address', '=', address),
                    ('message_id', '!=', None),
                    ], order=[('create_date', 'ASC'), ('id', 'ASC')])
        thread = [self.email_message_id] if self.email_message_id else []
        thread.extend(e.message_id for e in emails if e.message_id)
        if len(thread) > MAX_REFERENCES:
            thread = thread[:1] + thread[-(MAX_REFERENCES - 1):]
        return thread

    def email_headers(self, address):
        "Return the headers of the next e-mail to address about the case"
        reply_to = customer_care_address(self.company)
        domain = parseaddr(reply_to)[1].rpartition('@')[2] or None
        headers = {
            'Message-ID': make_msgid(domain=domain),
            'Reply-To': reply_to,
            }
        if thread := self.email_thread(address):
            headers['In-Reply-To'] = thread[-1]
            headers['References'] = ' '.join(thread)
        return headers

    def send_customer_email(self, template_name, **variables):
        """E-mail the customer of the case from the template of the
        configuration field template_name, with the variables and the
        reports of the template attached; return the ir.email, or None
        without an e-mail address."""
        address = customer_address(self)
        if not address:
            return None
        template = self.customer_email_template(template_name)
        subject, html, text = self.render_customer_email(
            template, **variables)
        return send_email(
            address, subject, text, resource=self,
            attachments=self.customer_email_attachments(template),
            html=html, headers=self.email_headers(address))
