# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public follow-up page of a case, through HTTP against a running
server (tests/page_server.py), on SQLite and PostgreSQL: what the customer
sees with the link of their case, the messages and documents they add, and
that any other link shows nothing."""
import datetime as dt
import unittest
import urllib.parse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sql import Table
from sql.aggregate import Count

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care import case_follow_up_page
from trytond.pool import Pool

from .page_server import PageServer, Visitor, load_spanish

DATABASE = 'customer_care_case_follow_up_page'
PDF = b'%PDF-1.4\n%%EOF\n'


def fill():
    """Create a registered case, an answered one and a closed one with their
    follow-up tokens; return their ids, numbers and tokens"""
    pool = Pool()
    Case = pool.get('customer_care.case')
    Party = pool.get('party.party')
    spanish = load_spanish()
    company = create_company()
    result = {}
    with set_company(company):
        customer, spanish_customer = Party.create([{
                    'name': "Customer <One>",
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': 'one@example.com'}])],
                    }, {
                    'name': "Cliente",
                    'lang': spanish.id,
                    }])
        cases = Case.create([{
                    'company': company.id,
                    'customer': c.id,
                    'contact_email': e,
                    'subject': s,
                    'channel': 'web',
                    'kind': 'claim',
                    } for c, e, s in [
                    (customer, 'one@example.com', "Registered <case>"),
                    (customer, 'one@example.com', "Answered case"),
                    (customer, 'one@example.com', "Closed case"),
                    (spanish_customer, 'cliente@example.com', "Caso"),
                    ]])
        Case.register(cases)
        registered, answered, closed, spanish_case = cases
        # The states as the workflow leaves them (the answer letter needs
        # more than this test sets up)
        Case.write([answered, closed], {
                'answer': "We refunded <you>.", 'state': 'answered'})
        Case.write([closed], {'state': 'closed'})
        for key, case in zip(
                ['registered', 'answered', 'closed', 'spanish'], cases):
            token = case.new_follow_up_token()
            case.save()
            result[key] = (case.id, case.number, token)
        # An internal note is never shown, a public message is
        Channel = pool.get('ir.chat.channel')
        Channel.post(registered, "Internal note: VIP", audience='internal')
        Channel.post(registered, "We are looking at it", audience='public')
    return result


class CaseFollowUpPageTestCase(unittest.TestCase):
    "The public follow-up page served over HTTP"

    @classmethod
    def setUpClass(cls):
        cls.server = PageServer(DATABASE, fill)
        cls.cases = cls.server.filled

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        case_follow_up_page.limiter.clear()

    def url(self, key=None, number=None, token=None):
        _, case_number, case_token = self.cases[key] if key else (0, '', '')
        number = case_number if number is None else number
        token = case_token if token is None else token
        return (self.server.url + 'customer_care/case/'
            + urllib.parse.quote(number, safe='') + '/'
            + urllib.parse.quote(token, safe=''))

    def messages(self, key):
        case_id = self.cases[key][0]
        message = Table('ir_chat_message')
        channel = Table('ir_chat_channel')
        return self.server.execute(message.join(
                channel, condition=message.channel == channel.id).select(
                message.email, message.audience, message.content,
                where=channel.resource == f'customer_care.case,{case_id}',
                order_by=[message.id]))

    def attachments(self, key=None):
        attachment = Table('ir_attachment')
        where = None
        if key:
            where = (attachment.resource
                == f'customer_care.case,{self.cases[key][0]}')
        return self.server.execute(attachment.select(
                attachment.name, where=where, order_by=[attachment.id]))

    def count_messages(self):
        message = Table('ir_chat_message')
        (count,), = self.server.execute(message.select(Count(message.id)))
        return count

    def test_page(self):
        "The link shows the case's state, due date and public messages"
        status, body = Visitor().get(self.url('registered'))
        self.assertEqual(status, 200, body)
        self.assertIn(self.cases['registered'][1], body)
        self.assertIn('Registered &lt;case&gt;', body)
        self.assertIn('>Registered<', body)
        self.assertIn('id="due"', body)
        self.assertIn('We are looking at it', body)
        self.assertNotIn('VIP', body)
        self.assertNotIn('Customer', body)
        self.assertNotIn('Our answer', body)
        self.assertIn('name="message"', body)

    def test_dates_of_the_company(self):
        "The dates are the company's: 22:00 in Bogotá is not the next day"
        case = Table('customer_care_case')
        company = Table('company_company')
        case_id = self.cases['registered'][0]
        (received,), = self.server.execute(
            case.select(case.received, where=case.id == case_id))
        (company_id, timezone), = self.server.execute(case.join(
                company, condition=case.company == company.id).select(
                company.id, company.timezone, where=case.id == case_id))
        try:
            self.server.execute(company.update(
                    [company.timezone], ['America/Bogota'],
                    where=company.id == company_id), fetch=False)
            self.server.execute(case.update(
                    [case.received], [dt.datetime(2026, 3, 3, 3, 0)],
                    where=case.id == case_id), fetch=False)
            status, body = Visitor().get(self.url('registered'))
        finally:
            self.server.execute(company.update(
                    [company.timezone], [timezone],
                    where=company.id == company_id), fetch=False)
            self.server.execute(case.update(
                    [case.received], [received],
                    where=case.id == case_id), fetch=False)
        self.assertEqual(status, 200, body)
        self.assertIn('03/02/2026', body)
        self.assertNotIn('03/03/2026', body)

    def test_answer(self):
        "The answer is shown once the case is answered"
        status, body = Visitor().get(self.url('answered'))
        self.assertEqual(status, 200)
        self.assertIn('Our answer', body)
        self.assertIn('We refunded &lt;you&gt;.', body)
        self.assertIn('>Answered<', body)

    def test_spanish(self):
        "The customer's language wins over the browser's"
        status, body = Visitor('en-US').get(self.url('spanish'))
        self.assertEqual(status, 200)
        self.assertIn('lang="es"', body)
        self.assertIn('Registrado', body)

    def test_wrong_links_look_alike(self):
        "A wrong token and a wrong number get the same page"
        _, number, token = self.cases['registered']
        _, other_number, other_token = self.cases['answered']
        answers = set()
        for url in [
                self.url('registered', token=other_token),
                self.url('registered', number=other_number),
                self.url('registered', token=token[:-1]),
                self.url('registered', number=number + '0'),
                self.url('registered', number='PQRS-99999'),
                ]:
            status, body = Visitor().get(url)
            answers.add((status, body))
            status, body = Visitor().post(url, {'message': "Hello"})
            answers.add((status, body))
        self.assertEqual(len(answers), 1, answers)
        (status, body), = answers
        self.assertEqual(status, 404)
        self.assertIn('not valid', body)
        self.assertNotIn('Registered', body)

    def test_add_message(self):
        "A message is posted to the discussion as the customer's e-mail"
        visitor = Visitor()
        visitor.get(self.url('registered'))
        status, body = visitor.post(self.url('registered'), {
                'message': "Any news?\r\nThanks <3"}, files=[
                ('attachments', 'receipt.pdf', PDF)])
        self.assertEqual(status, 200, body)
        self.assertIn('was added', body)
        self.assertIn('Any news?', body)
        email, audience, content = self.messages('registered')[-1]
        self.assertEqual((email, audience), ('one@example.com', 'public'))
        self.assertTrue(content.startswith("Any news?\nThanks <3"))
        self.assertIn('receipt.pdf', content)
        self.assertEqual(self.attachments('registered'), [('receipt.pdf',)])

    def test_refused_posts(self):
        "Empty, forged, closed or oversized posts add nothing"
        messages, attachments = self.count_messages(), self.attachments()
        visitor = Visitor()
        visitor.get(self.url('registered'))
        status, body = visitor.post(self.url('registered'), {'message': ' '})
        self.assertEqual(status, 400)
        self.assertIn('Write a message', body)
        # A token of another case, no token, no cookie
        other = Visitor()
        other.get(self.url('answered'))
        for token in [other.token(), None]:
            status, body = visitor.post(
                self.url('registered'), {'message': "Hi"}, token=token)
            self.assertEqual(status, 400)
        status, body = Visitor().post(
            self.url('registered'), {'message': "Hi"}, token=visitor.token())
        self.assertEqual(status, 400)
        status, body = visitor.post(self.url('registered'), {}, files=[
                ('attachments', 'script.js', b'alert(1)')])
        self.assertEqual(status, 400)
        status, body = visitor.post(
            self.url('registered'), {'message': 'x' * 6000})
        self.assertEqual(status, 400)
        status, body = visitor.post(self.url('registered'), {}, files=[
                ('attachments', 'big.pdf', PDF + b'0' * (16 * 1024 * 1024))])
        self.assertEqual(status, 413)
        # A closed case takes no more messages
        closed = Visitor()
        status, body = closed.get(self.url('closed'))
        self.assertEqual(status, 200)
        self.assertNotIn('name="message"', body)
        status, body = closed.post(self.url('closed'), {'message': "Hi"})
        self.assertEqual(status, 400)
        self.assertIn('closed', body)
        self.assertEqual(
            (self.count_messages(), self.attachments()),
            (messages, attachments))

    def test_method_not_allowed(self):
        status, _, _ = Visitor().request(
            self.url('registered'), b'', method='DELETE')
        self.assertEqual(status, 405)

    def test_rate_limit(self):
        "An address that tries too many links is answered 429"
        statuses = set()
        for i in range(case_follow_up_page.RATE_LIMIT + 1):
            status, _ = Visitor().get(self.url('registered', token=str(i)))
            statuses.add(status)
        self.assertEqual(statuses, {404, 429})
        status, body = Visitor().get(self.url('registered'))
        self.assertEqual(status, 429)
        self.assertIn('Too many requests', body)

    @settings(
        max_examples=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(max_size=120), st.text(max_size=200))
    def test_hostile_link(self, number, token):
        "Any link but the cases' shows no case"
        case_follow_up_page.limiter.clear()
        if any((number, token) == (n, t) for _, n, t in self.cases.values()):
            return
        status, body = Visitor().get(self.url(
                'registered', number=number or '-', token=token or '-'))
        # A link with a slash may reach another route of the server
        self.assertTrue(400 <= status < 500, (status, body))
        self.assertNotIn('Registered', body)
        self.assertNotIn('looking at it', body)
