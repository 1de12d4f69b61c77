# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public web form of cases, through HTTP against a running server
(tests/page_server.py), on SQLite and PostgreSQL.

The form is got and posted as a browser without scripts does (its cookie,
its hidden token, multipart with files); what the server stored is read
back from the database: the case, its customer, its attachments, its
consent and its acknowledgement. Hostile and oversized forms never write
anything.
"""
import hashlib
import re
import unittest
import urllib.parse

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sql import Table
from sql.aggregate import Count

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care import case_form_page
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access

from .page_server import PageServer, Visitor, load_spanish

DATABASE = 'customer_care_case_form_page'
POLICY = ("ACME S.A.S. processes your personal data <b>only</b> to answer "
    "your request (Ley 1581 de 2012).\n\nYou may know, update and correct "
    "them at datos@acme.example.")
POLICY_ES = ("ACME S.A.S. trata sus datos personales solo para responder "
    "su solicitud (Ley 1581 de 2012).")
OTHER_POLICY = "Policy of the second company."
PDF = b'%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'


def fill():
    """Create two companies with their web forms, a known customer and a
    case filed by an agent; return their ids"""
    pool = Pool()
    Case = pool.get('customer_care.case')
    Party = pool.get('party.party')
    WebForm = pool.get('customer_care.configuration.web_form')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    load_spanish()
    company = create_company()
    other_company = create_company(name="Other Company")
    web_user = User(ModelData.get_id('customer_care', 'user_web_form'))
    with set_company(company):
        web_form, = WebForm.create([{
                    'company': company.id,
                    'policy': POLICY,
                    'rate_limit': 100000,
                    }])
        with Transaction().set_context(language='es'):
            WebForm.write([web_form], {'policy': POLICY_ES})
        known, = Party.create([{
                    'name': "Known Customer",
                    'identifiers': [('create', [{
                                    'type': 'co_cc', 'code': '79123456'}])],
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': 'known@example.com'}])],
                    }])
        other_case, = Case.create([{
                    'company': company.id,
                    'customer': known.id,
                    'subject': "Filed by an agent",
                    'channel': 'phone',
                    }])
    with set_company(other_company):
        other_form, = WebForm.create([{
                    'company': other_company.id,
                    'policy': OTHER_POLICY,
                    'rate_limit': 3,
                    }])
    return {
        'company': company.id,
        'other_company': other_company.id,
        'known': known.id,
        'other_case': other_case.id,
        'web_user': web_user.id,
        }


def valid_form(**values):
    form = {
        'name': "María José Pérez",
        'identifier_type': 'co_cc',
        'identifier_code': '1.020.304.050',
        'email': 'maria@example.com',
        'phone': '+57 300 123 4567',
        'kind': 'complaint',
        'subject': "Invoice charged twice",
        'description': "The invoice of March was charged twice.\nPlease "
        "refund one.",
        'consent': '1',
        }
    form.update(values)
    return {k: v for k, v in form.items() if v is not None}


class CaseFormPageTestCase(unittest.TestCase):
    "The public web form served over HTTP"

    @classmethod
    def setUpClass(cls):
        cls.server = PageServer(DATABASE, fill)
        cls.ids = cls.server.filled
        cls.database = cls.server.database
        cls.url = cls.form_url(cls.ids['company'])

    @classmethod
    def form_url(cls, company):
        return cls.server.url + f'customer_care/{company}/case/new'

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        case_form_page.limiter.clear()

    def counts(self):
        "Return the number of cases, parties and attachments stored"
        result = []
        for name in ['customer_care_case', 'party_party', 'ir_attachment',
                'party_identifier', 'party_contact_mechanism']:
            table = Table(name)
            (count,), = self.server.execute(table.select(Count(table.id)))
            result.append(count)
        return result

    def cases(self, where=None):
        case = Table('customer_care_case')
        return self.server.execute(case.select(
                case.id, case.number, case.state, case.channel, case.kind,
                case.customer, case.contact_name, case.contact_email,
                case.contact_phone, case.subject, case.description,
                case.consent_date, case.consent_digest, case.consent_policy,
                case.consent_language, case.create_uid, case.due_date,
                case.follow_up_token_digest, case.company,
                where=where if where is not None else case.channel == 'web',
                order_by=[case.id.desc]))

    def post(self, form, files=(), language=None, url=None, token=True):
        visitor = Visitor(language)
        status, body = visitor.get(url or self.url)
        self.assertEqual(status, 200, body)
        return visitor.post(url or self.url, form, files, token=token)

    def test_page(self):
        "The form: labelled fields, the policy escaped, its cookie"
        visitor = Visitor()
        status, headers, body = visitor.request(self.url)
        self.assertEqual(status, 200)
        self.assertIn("default-src 'none'", headers['Content-Security-Policy'])
        self.assertEqual(headers['X-Frame-Options'], 'DENY')
        self.assertNotRegex(body, r'<script|https?://[^"]*\.(js|css|woff)')
        for name in ['name', 'identifier_type', 'identifier_code', 'email',
                'phone', 'subject', 'description', 'attachments', 'consent']:
            self.assertIn(f'for="field-{name}"', body)
            self.assertIn(f'id="field-{name}"', body)
        self.assertIn('enctype="multipart/form-data"', body)
        self.assertIn('only</b>', POLICY)
        self.assertIn('&lt;b&gt;only&lt;/b&gt;', body)
        self.assertIn('lang="en"', body)
        for kind in ['petition', 'complaint', 'claim', 'suggestion',
                'compliment']:
            self.assertIn(f'value="{kind}"', body)
        self.assertIn('value="co_cc"', body)
        # The honeypot is out of sight and of the keyboard
        self.assertRegex(body, r'name="website"[^>]*tabindex="-1"|'
            r'tabindex="-1"[^>]*name="website"')
        cookie = headers['Set-Cookie']
        self.assertIn('SameSite=Strict', cookie)
        self.assertIn('HttpOnly', cookie)
        # Another company's form has its own policy
        status, body = Visitor().get(self.form_url(self.ids['other_company']))
        self.assertEqual(status, 200)
        self.assertIn(OTHER_POLICY, body)
        self.assertNotIn('ACME', body)

    def test_page_spanish(self):
        "The browser's language chooses the texts and the policy"
        status, body = Visitor('es-CO,es;q=0.9').get(self.url)
        self.assertEqual(status, 200)
        self.assertIn('lang="es"', body)
        self.assertIn(POLICY_ES, body)
        self.assertIn('Enviar', body)
        self.assertIn('Queja', body)

    def test_file_case(self):
        "A valid form files a registered web case and answers its link"
        before = self.counts()
        status, body = self.post(valid_form(), files=[
                ('attachments', '../../etc/factura.pdf', PDF)])
        self.assertEqual(status, 200, body)
        case = self.cases()[0]
        (case_id, number, state, channel, kind, customer, name, email,
            phone, subject, description, consent_date, digest, policy,
            language, create_uid, due_date, token_digest, company) = case
        self.assertEqual(
            (state, channel, kind, company),
            ('registered', 'web', 'complaint', self.ids['company']))
        self.assertEqual((name, email, phone),
            ("María José Pérez", 'maria@example.com', '+57 300 123 4567'))
        self.assertEqual(description, "The invoice of March was charged "
            "twice.\nPlease refund one.")
        self.assertTrue(consent_date)
        self.assertEqual(policy, POLICY)
        self.assertEqual(digest, hashlib.sha256(POLICY.encode()).hexdigest())
        self.assertEqual(language, 'en')
        # Created by the form's user, never the administrator
        self.assertEqual(create_uid, self.ids['web_user'])
        self.assertTrue(due_date)
        self.assertIn(number, body)
        url, = re.findall(r'href="([^"]*/customer_care/case/[^"]+)"', body)
        self.assertIn(f'/customer_care/case/{number}/', url)
        # Only the digest of the link's token is stored
        token = urllib.parse.unquote(url.rsplit('/', 1)[1])
        self.assertEqual(
            token_digest, hashlib.sha256(token.encode()).hexdigest())
        self.assertIn('maria@example.com', body)
        # A new customer with the identity document, the e-mail and phone
        self.assertEqual(
            self.counts(), [before[0] + 1, before[1] + 1, before[2] + 1,
                before[3] + 1, before[4] + 2])
        identifier = Table('party_identifier')
        self.assertEqual(self.server.execute(identifier.select(
                    identifier.type, identifier.code,
                    where=identifier.party == customer)),
            [('co_cc', '1020304050')])
        attachment = Table('ir_attachment')
        self.assertEqual(self.server.execute(attachment.select(
                    attachment.name,
                    where=attachment.resource
                    == f'customer_care.case,{case_id}')), [('factura.pdf',)])
        # The acknowledgement with the same link
        email = Table('ir_email')
        (recipients, body_), = self.server.execute(email.select(
                email.recipients, email.body,
                where=email.resource == f'customer_care.case,{case_id}'))
        self.assertIn('maria@example.com', recipients)
        self.assertIn(token, urllib.parse.unquote(body_ or ''))
        # The follow-up link opens the case
        status, page = Visitor().get(url)
        self.assertEqual(status, 200)
        self.assertIn("Invoice charged twice", page)

    def test_known_customer(self):
        """A known identity document with its e-mail files on its party; one
        of them alone files on a new party, to be confirmed against the
        known one (anyone may type another person's document or address)"""
        before = self.counts()
        for identifier_code, email_, subject in [
                ('79 123 456', 'KNOWN@example.com', "Known by both"),
                ('79 123 456', 'new@example.com', "Known by document"),
                ('55555', 'known@example.com', "Known by e-mail"),
                ]:
            status, body = self.post(valid_form(
                    identifier_code=identifier_code, email=email_,
                    kind='suggestion', subject=subject))
            self.assertEqual(status, 200, body)
        case = Table('customer_care_case')
        candidate = Table('customer_care_case-party_party')
        cases = {}
        for subject in ["Known by both", "Known by document",
                "Known by e-mail"]:
            (case_id, customer, to_confirm), = self.server.execute(
                case.select(case.id, case.customer, case.customer_to_confirm,
                    where=case.subject == subject))
            candidates = [p for p, in self.server.execute(candidate.select(
                        candidate.party,
                        where=candidate.case == case_id))]
            cases[subject] = (customer, bool(to_confirm), candidates)
        known = self.ids['known']
        self.assertEqual(cases["Known by both"], (known, False, []))
        for subject in ["Known by document", "Known by e-mail"]:
            customer, to_confirm, candidates = cases[subject]
            self.assertNotEqual(customer, known, subject)
            self.assertTrue(to_confirm, subject)
            self.assertEqual(candidates, [known], subject)
        after = self.counts()
        self.assertEqual(after[:2], [before[0] + 3, before[1] + 2])

    def test_errors(self):
        "Missing or invalid fields refuse the form, each error told"
        before = self.counts()
        status, body = self.post(valid_form(
                name=None, email='not an address', consent=None,
                identifier_code='12AB', kind='bribe'))
        self.assertEqual(status, 400)
        self.assertIn('id="errors"', body)
        self.assertIn('autofocus', body)
        for name in ['name', 'email', 'consent', 'identifier_code', 'kind']:
            self.assertIn(f'href="#field-{name}"', body)
            self.assertIn(f'id="error-{name}"', body)
        self.assertIn('Full name is required.', body)
        self.assertIn('accept the personal data policy', body)
        self.assertRegex(body,
            r'id="field-email"[^>]*aria-invalid="true"[^>]*'
            r'aria-describedby="error-email help-email"')
        # What was typed is kept
        self.assertIn('Invoice charged twice', body)
        self.assertEqual(self.counts(), before)

    def test_attachments_refused(self):
        "A file of another type, disguised, or too many files refuse all"
        before = self.counts()
        for files in [
                [('attachments', 'virus.exe', b'MZ\x90\x00')],
                [('attachments', 'photo.png', b'MZ\x90\x00 not a png')],
                [('attachments', 'empty.pdf', b'')],
                [('attachments', f'{i}.pdf', PDF) for i in range(4)],
                ]:
            status, body = self.post(valid_form(), files=files)
            self.assertEqual(status, 400, files[0][1])
            self.assertIn('href="#field-attachments"', body)
        self.assertEqual(self.counts(), before)

    def test_forgery(self):
        "A post without the page's token and cookie writes nothing"
        before = self.counts()
        # No token, a forged one, a token without the cookie
        for token in [None, 'abc.123.def', 'x' * 300]:
            status, body = self.post(valid_form(), token=token)
            self.assertEqual(status, 400)
            self.assertIn('expired', body)
        visitor = Visitor()
        visitor.get(self.url)
        token = visitor.token()
        status, body = Visitor().post(self.url, valid_form(), token=token)
        self.assertEqual(status, 400)
        # The token of another company's form
        visitor = Visitor()
        visitor.get(self.form_url(self.ids['other_company']))
        status, body = visitor.post(self.url, valid_form())
        self.assertEqual(status, 400)
        self.assertEqual(self.counts(), before)

    def test_honeypot(self):
        "A filled honeypot is refused without saying why"
        before = self.counts()
        status, body = self.post(valid_form(website='http://spam.example'))
        self.assertEqual(status, 400)
        self.assertIn('could not be accepted', body)
        self.assertNotIn('website', body)
        self.assertEqual(self.counts(), before)

    def test_too_large(self):
        "A request beyond the form's limits is answered 413"
        before = self.counts()
        status, body = self.post(valid_form(), files=[
                ('attachments', 'big.pdf', PDF + b'0' * (16 * 1024 * 1024))])
        self.assertEqual(status, 413)
        self.assertIn('too large', body)
        # A file within the request but beyond the size of one attachment
        status, body = self.post(valid_form(), files=[
                ('attachments', 'big.pdf', PDF + b'0' * (5 * 1024 * 1024))])
        self.assertEqual(status, 400)
        self.assertIn('larger than 5 MB', body)
        # Text fields beyond the size of a form
        status, body = self.post(valid_form(description='x' * 200000))
        self.assertEqual(status, 413)
        self.assertEqual(self.counts(), before)

    def test_rate_limit(self):
        "Beyond the posts per hour of an address, 429 and nothing written"
        url = self.form_url(self.ids['other_company'])
        before = self.counts()
        statuses = [self.post(valid_form(name=None), url=url)[0]
            for _ in range(3)]
        self.assertEqual(statuses, [400] * 3)
        status, body = self.post(valid_form(), url=url)
        self.assertEqual(status, 429)
        self.assertIn('Too many requests', body)
        self.assertEqual(self.counts(), before)
        # The limit is the company's: the other form still answers
        status, _ = self.post(valid_form(name=None))
        self.assertEqual(status, 400)

    def test_methods_and_unknown(self):
        "Other methods 405, an unknown company's form 404"
        visitor = Visitor()
        status, _, _ = visitor.request(self.url, b'', method='PUT')
        self.assertEqual(status, 405)
        status, body = Visitor().get(self.form_url(999999))
        self.assertEqual(status, 404)
        self.assertIn('does not exist', body)

    def test_failure(self):
        "An unexpected error is a clean 500 page and nothing is written"
        before = self.counts()
        original = case_form_page.file_case

        def fail(web_form, values):
            original(web_form, values)
            raise RuntimeError("secret internal detail")
        case_form_page.file_case = fail
        try:
            status, body = self.post(valid_form())
        finally:
            case_form_page.file_case = original
        self.assertEqual(status, 500)
        self.assertIn('something went wrong', body)
        self.assertNotIn('secret internal detail', body)
        self.assertNotIn('Traceback', body)
        self.assertEqual(self.counts(), before)

    def test_web_user_reads_no_case(self):
        "The form's user can create cases but read none"
        pool = Pool(self.database)
        with Transaction().start(
                self.database, self.ids['web_user'], context={
                    'company': self.ids['company'],
                    '_companies': [self.ids['company']],
                    }), check_access():
            Case = pool.get('customer_care.case')
            with self.assertRaises(AccessError):
                Case.search([])
            with self.assertRaises(AccessError):
                Case.read([self.ids['other_case']], ['subject'])
            with self.assertRaises(AccessError):
                Case.write([Case(self.ids['other_case'])], {'subject': 'x'})
            WebForm = pool.get('customer_care.configuration.web_form')
            with self.assertRaises(AccessError):
                WebForm.search([])

    @settings(
        max_examples=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.dictionaries(
            st.sampled_from(sorted(case_form_page.LENGTHS) + [
                    'consent', 'token', 'website', 'x' * 300]),
            st.one_of(
                st.text(max_size=300),
                st.just('<script>alert(1)</script>'),
                st.just("' OR 1=1 --"),
                st.just('\x00\ud800\ufffe'),
                st.binary(max_size=50),
                st.text(min_size=1, max_size=5).map(lambda t: t * 3000)),
            max_size=6),
        st.booleans())
    @example({'email': b'\xff\xfe@\xc3(.com'}, True)
    @example({'description': '\x00' * 10}, True)
    def test_hostile_form(self, changes, start_valid):
        "Any form is answered 200, 400 or 413 escaped, never half-written"
        form = valid_form() if start_valid else {}
        form.update(changes)
        before = self.counts()
        status, body = self.post(form, token='token' not in changes)
        self.assertIn(status, {200, 400, 413}, body)
        self.assertNotIn('<script>alert', body)
        after = self.counts()
        if status == 200:
            self.assertEqual(after[0], before[0] + 1)
            (case_id, *_), = self.cases()[:1]
            case = Table('customer_care_case')
            (description, subject), = self.server.execute(case.select(
                    case.description, case.subject,
                    where=case.id == case_id))
            self.assertNotIn('\x00', description + subject)
        else:
            self.assertEqual(after, before)
