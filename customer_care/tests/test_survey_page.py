# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public survey page, through HTTP against a running server.

A WSGI server, started in a thread on a free port, serves the test database
with trytond's application (on SQLite, a copy of it in a file); the page is
then requested as a customer's browser would, including hostile input.
"""
import datetime as dt
import unittest
import urllib.parse
import urllib.request

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sql import Null, Table

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.customer_care.models.survey_participant import (
    token_digest)
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.transaction import Transaction

from .page_server import PageServer, http

DATABASE = 'customer_care_survey_page'
TOKENS = {
    'valid': 'valid-token-0123456789abcdefghijklmnopqrstuvwx',
    'hostile': 'hostile-token-0123456789abcdefghijklmnopqrstu',
    'closed': 'closed-token-0123456789abcdefghijklmnopqrstuvw',
    'reset': 'reset-token-0123456789abcdefghijklmnopqrstuvwx',
    'used_es': 'used-es-token-0123456789abcdefghijklmnopqrstuv',
    'used_en': 'used-en-token-0123456789abcdefghijklmnopqrstuv',
    }


def create_survey():
    """Create a running campaign with two participants and a closed one
    with one, whose tokens are TOKENS; return the question ids."""
    pool = Pool()
    Party = pool.get('party.party')
    Questionnaire = pool.get('customer_care.questionnaire')
    Campaign = pool.get('customer_care.survey.campaign')
    Participant = pool.get('customer_care.survey.participant')
    Lang = pool.get('ir.lang')
    spanish, = Lang.search([('code', '=', 'es')])
    english, = Lang.search([('code', '=', 'en')])
    # The Spanish texts of the messages
    Lang.load_translations([spanish])
    questionnaire, = Questionnaire.create([{
                # An internal name: the customers see the title
                'name': "Service <Survey> (GC-P-1)",
                'title': "Our <Service>",
                'questions': [('create', [{
                                'sequence': 1, 'section': "Service",
                                'text': "Rate <b>us</b>", 'type': 'rating',
                                'required': True,
                                }, {
                                'sequence': 2, 'text': "Recommend?",
                                'type': 'nps', 'required': True,
                                }, {
                                'sequence': 3, 'text': "Again?",
                                'type': 'yes_no', 'required': False,
                                }, {
                                'sequence': 4, 'text': "Channels",
                                'type': 'multiple', 'required': False,
                                'choices': [('create', [
                                            {'name': "Phone"},
                                            {'name': "E-mail"}])],
                                }, {
                                'sequence': 5, 'text': "Comments",
                                'type': 'text', 'required': False,
                                }])],
                }])
    parties = Party.create([{'name': n} for n in [
                "Valid", "Hostile", "Closed", "Reset"]] + [
            {'name': "Cliente", 'lang': spanish.id},
            {'name': "Customer", 'lang': english.id}])
    campaigns = Campaign.create([{
                'name': name,
                'questionnaire': questionnaire.id,
                'start_date': dt.date(2026, 1, 1),
                'end_date': dt.date(2026, 12, 31),
                'sampling': 'all',
                'channels': ['manager'],
                'domain': PYSONEncoder().encode([('id', 'in', ids)]),
                } for name, ids in [
                ("Running", [parties[0].id, parties[1].id, parties[3].id,
                        parties[4].id, parties[5].id]),
                ("Closed", [parties[2].id])]])
    Campaign.sample(campaigns)
    Campaign.run(campaigns)
    for party, key in zip(parties, [
                'valid', 'hostile', 'closed', 'reset', 'used_es', 'used_en']):
        participant, = Participant.search([('party', '=', party.id)])
        participant.token_digest = token_digest(TOKENS[key])
        participant.save()
        if key.startswith('used_'):
            Participant.write([participant], {'state': 'answered'})
    Campaign.close([campaigns[1]])
    return [q.id for q in questionnaire.questions], [
        c.id for q in questionnaire.questions for c in q.choices]


class SurveyPageTestCase(unittest.TestCase):
    "The public survey page served over HTTP"

    @classmethod
    def setUpClass(cls):
        def fill():
            company = create_company()
            with set_company(company):
                return create_survey()
        cls.server = PageServer(DATABASE, fill)
        cls.questions, cls.choices = cls.server.filled
        cls.database = cls.server.database
        cls.url = cls.server.url + 'customer_care/survey/'

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def request(self, token, data=None, headers=None):
        "Return the status and the body of the page of token"
        url = self.url + urllib.parse.quote(token, safe='')
        body = urllib.parse.urlencode(data, doseq=True).encode() \
            if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        if data is not None:
            # As browsers post the form of a page without referrer
            request.add_header('Origin', 'null')
        status, _, body = http(request)
        return status, body

    def execute(self, query, fetch=True):
        return self.server.execute(query, fetch=fetch)

    def participant(self, key):
        participant = Table('customer_care_survey_participant')
        (state, through), = self.execute(participant.select(
                participant.state, participant.answered_through,
                where=participant.token_digest == token_digest(TOKENS[key])))
        return state, through

    def participant_ids(self, key):
        participant = Table('customer_care_survey_participant')
        return participant.select(
            participant.id,
            where=participant.token_digest == token_digest(TOKENS[key]))

    def answers(self, key):
        answer = Table('customer_care_survey_answer')
        return [tuple(r) for r in self.execute(answer.select(
                    answer.question, answer.value, answer.choice, answer.text,
                    where=answer.participant.in_(self.participant_ids(key)),
                    order_by=[answer.question, answer.choice]))]

    def form(self, rating='5', nps='9', **extra):
        rating_q, nps_q, yes_no_q, multiple_q, text_q = self.questions
        data = {f'q{rating_q}': rating, f'q{nps_q}': nps}
        data.update({f'q{getattr(self, k)}': v for k, v in extra.items()})
        return data

    def test_page_and_answer_once(self):
        "The page shows the questionnaire escaped and takes answers once"
        rating_q, nps_q, yes_no_q, multiple_q, text_q = self.questions
        status, body = self.request(TOKENS['valid'])
        self.assertEqual(status, 200)
        self.assertIn('Rate &lt;b&gt;us&lt;/b&gt;', body)
        self.assertIn('<title>Our &lt;Service&gt;</title>', body)
        # No internal code nor record name
        self.assertNotIn('GC-P-1', body)
        self.assertNotIn('Survey&gt;', body)
        self.assertNotIn('Running', body)
        self.assertNotIn('Valid', body)
        # The meaning of the ends of each scale, next to it
        self.assertIn('1 = Very dissatisfied', body)
        self.assertIn('5 = Very satisfied', body)
        self.assertIn('0 = Not at all likely', body)
        self.assertIn('10 = Extremely likely', body)
        # Touch targets of 44 px
        self.assertRegex(body, r'\.scale label \{[^}]*min-height: 44px')
        self.assertRegex(body, r'\.choices label \{[^}]*min-height: 44px')
        self.assertNotIn('<b>us</b>', body)
        self.assertIn(f'name="q{nps_q}" value="10"', body)

        # A required question left empty, then an answer out of range
        status, body = self.request(
            TOKENS['valid'], {f'q{rating_q}': '5'})
        self.assertEqual(status, 400)
        self.assertIn('Please answer "Recommend?"', body)
        self.assertNotIn('Valid', body)
        status, body = self.request(
            TOKENS['valid'], {f'q{rating_q}': '7', f'q{nps_q}': '9'})
        self.assertEqual(status, 400)
        self.assertIn('between 1 and 5', body)
        self.assertEqual(self.participant('valid'), ('pending', None))
        self.assertEqual(self.answers('valid'), [])

        status, body = self.request(TOKENS['valid'], {
                f'q{rating_q}': '4', f'q{nps_q}': '10', f'q{yes_no_q}': '1',
                f'q{multiple_q}': [str(c) for c in self.choices],
                f'q{text_q}': "Good <service>"})
        self.assertEqual(status, 200)
        self.assertIn('Thank you', body)
        self.assertEqual(self.participant('valid'), ('answered', 'web'))
        self.assertEqual(self.answers('valid'), [
                (rating_q, 4, None, None),
                (nps_q, 10, None, None),
                (yes_no_q, 1, None, None),
                (multiple_q, None, self.choices[0], None),
                (multiple_q, None, self.choices[1], None),
                (text_q, None, None, "Good <service>"),
                ])

        # The token is valid once
        for data in [None, {f'q{rating_q}': '1', f'q{nps_q}': '0'}]:
            status, body = self.request(TOKENS['valid'], data)
            self.assertEqual(status, 410)
            self.assertIn('already been answered', body)
        self.assertEqual(len(self.answers('valid')), 6)

    def test_reset_forgets_link(self):
        "Reopening an answered participant never revives the used link"
        status, _ = self.request(TOKENS['reset'], self.form())
        self.assertEqual(status, 200)
        self.assertEqual(self.participant('reset'), ('answered', 'web'))
        (participant_id,), = self.execute(self.participant_ids('reset'))

        with Transaction().start(self.database, 0) as transaction:
            Participant = Pool(self.database).get(
                'customer_care.survey.participant')
            Participant.reset([Participant(participant_id)])
            transaction.commit()

        participant = Table('customer_care_survey_participant')
        (state, digest, channel), = self.execute(participant.select(
                participant.state, participant.token_digest,
                participant.channel,
                where=participant.id == participant_id))
        self.assertEqual(
            (state, digest, channel), ('pending', None, 'manager'))
        for data in [None, self.form(rating='1', nps='0')]:
            status, body = self.request(TOKENS['reset'], data)
            self.assertEqual(status, 404)
            self.assertNotIn('Rate', body)
        answer = Table('customer_care_survey_answer')
        self.assertEqual(self.execute(answer.select(
                    answer.value,
                    where=answer.participant == participant_id,
                    order_by=[answer.question])), [(5,), (9,)])

    def test_closed_campaign(self):
        "The link of a closed campaign is refused"
        status, body = self.request(TOKENS['closed'])
        self.assertEqual(status, 410)
        self.assertIn('closed', body)
        rating_q, nps_q = self.questions[:2]
        status, _ = self.request(
            TOKENS['closed'], {f'q{rating_q}': '5', f'q{nps_q}': '9'})
        self.assertEqual(status, 410)
        self.assertEqual(self.participant('closed'), ('pending', None))

    def test_unknown_token(self):
        "An unknown token shows nothing of any questionnaire"
        status, body = self.request('not-a-token')
        self.assertEqual(status, 404)
        self.assertIn('not valid', body)
        self.assertNotIn('Rate', body)

    @settings(
        max_examples=50, deadline=None,
        suppress_health_check=[HealthCheck.too_slow])
    @given(st.dictionaries(
            st.one_of(
                st.integers(0, 4),
                st.text(max_size=12)),
            st.lists(st.one_of(
                    st.integers(-10 ** 12, 10 ** 12).map(str),
                    st.text(max_size=40),
                    st.just('<script>alert(1)</script>'),
                    st.just("' OR 1=1 --")), max_size=3),
            max_size=6))
    def test_hostile_input(self, form):
        "Any posted form is answered 200 or 400, escaped, never half-saved"
        # An integer key names a question of the questionnaire
        data = {f'q{self.questions[k]}' if isinstance(k, int) else k: v
            for k, v in form.items()}
        status, body = self.request(TOKENS['hostile'], data)
        self.assertIn(status, {200, 400}, body)
        self.assertNotIn('<script>alert', body)
        state, _ = self.participant('hostile')
        answers = self.answers('hostile')
        if status == 400:
            self.assertEqual((state, answers), ('pending', []))
        else:
            self.assertEqual(state, 'answered')
            ranges = dict(zip(self.questions[:3], [(1, 5), (0, 10), (0, 1)]))
            for question, value, choice, text in answers:
                if question in ranges:
                    low, high = ranges[question]
                    self.assertTrue(low <= value <= high)
                elif choice is not None:
                    self.assertIn(choice, self.choices)
            # Let the next example answer again
            answer = Table('customer_care_survey_answer')
            participant = Table('customer_care_survey_participant')
            self.execute(answer.delete(
                    where=answer.participant.in_(
                        self.participant_ids('hostile'))), fetch=False)
            self.execute(participant.update(
                    [participant.state, participant.answered_through],
                    ['pending', Null],
                    where=participant.token_digest
                    == token_digest(TOKENS['hostile'])), fetch=False)

    def reopen_hostile(self):
        "Let the next example answer again with the hostile token"
        answer = Table('customer_care_survey_answer')
        participant = Table('customer_care_survey_participant')
        self.execute(answer.delete(
                where=answer.participant.in_(
                    self.participant_ids('hostile'))), fetch=False)
        self.execute(participant.update(
                [participant.state, participant.answered_through],
                ['pending', Null],
                where=participant.token_digest
                == token_digest(TOKENS['hostile'])), fetch=False)

    @settings(
        max_examples=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.integers(1, 5), st.integers(0, 10),
        st.one_of(st.none(), st.integers(0, 1)),
        st.lists(st.integers(0, 1), unique=True, max_size=2),
        st.text(max_size=30),
        st.one_of(
            st.none(),
            st.tuples(st.integers(0, 4), st.sampled_from([
                        'drop', 'out of range', 'not a number', 'foreign',
                        'twice']))))
    def test_valid_then_mutated(
            self, rating, nps, yes_no, choices, text, mutation):
        "A complete form is answered; one field spoilt, it is refused"
        rating_q, nps_q, yes_no_q, multiple_q, text_q = self.questions
        data = {f'q{rating_q}': [str(rating)], f'q{nps_q}': [str(nps)],
            f'q{text_q}': [text]}
        if yes_no is not None:
            data[f'q{yes_no_q}'] = [str(yes_no)]
        if choices:
            data[f'q{multiple_q}'] = [str(self.choices[i]) for i in choices]
        expected = 200
        if mutation:
            index, kind = mutation
            name = f'q{self.questions[index]}'
            if kind == 'drop':
                data.pop(name, None)
                # Only the rating and the recommendation are required
                expected = 400 if index < 2 else 200
            elif index == 4:
                # Any text is a valid comment
                data[name] = [kind]
            elif kind == 'out of range':
                data[name] = [{0: '6', 1: '11', 2: '2', 3: '-1'}[index]]
                expected = 400
            elif kind == 'not a number':
                data[name] = ['4.5']
                expected = 400
            elif kind == 'foreign':
                # A choice of no question of this questionnaire
                data[name] = [str(max(self.choices) + 1000)]
                expected = 400
            elif kind == 'twice':
                data[name] = ['1', '0'] if index != 3 else [
                    str(self.choices[0])] * 2
                # A multiple choice takes several (the same once)
                expected = 200 if index == 3 else 400
        status, body = self.request(TOKENS['hostile'], data)
        self.assertEqual(status, expected, (data, body))
        state, _ = self.participant('hostile')
        answers = self.answers('hostile')
        if expected == 400:
            self.assertEqual((state, answers), ('pending', []))
        else:
            self.assertIn('Thank you', body)
            self.assertEqual(state, 'answered')
            values = {q: v for q, v, c, t in answers if v is not None}
            if f'q{rating_q}' in data:
                self.assertEqual(
                    values[rating_q], int(data[f'q{rating_q}'][0]))
            if f'q{nps_q}' in data:
                self.assertEqual(values[nps_q], int(data[f'q{nps_q}'][0]))
            self.reopen_hostile()

    @settings(max_examples=30, deadline=None)
    @given(st.text(min_size=1, max_size=200))
    def test_hostile_token(self, token):
        "Any token but the valid ones shows no questionnaire"
        if token in TOKENS.values():
            return
        status, body = self.request(token)
        # A token with a slash may reach another route of the server
        self.assertTrue(400 <= status < 500, (status, body))
        self.assertNotIn('Rate', body)

    def test_messages_language(self):
        "The link messages speak the customer's language"
        status, body = self.request(TOKENS['used_es'])
        self.assertEqual(status, 410)
        self.assertIn('Esta encuesta ya fue respondida', body)
        self.assertIn('lang="es"', body)
        # Whatever the browser prefers: the party's language wins
        status, body = self.request(
            TOKENS['used_en'], headers={'Accept-Language': 'es-CO,es;q=0.9'})
        self.assertEqual(status, 410)
        self.assertIn('This survey has already been answered', body)
        # An unknown token: the browser's language
        for accept, expected in [
                ('es-CO,es;q=0.9,en;q=0.8', 'Este enlace de encuesta no es'),
                ('es-CO', 'Este enlace de encuesta no es'),
                ('en-US,en;q=0.9', 'This survey link is not valid'),
                ('fr-FR', 'This survey link is not valid'),
                (None, 'This survey link is not valid'),
                ]:
            status, body = self.request(
                'unknown-token', headers={'Accept-Language': accept}
                if accept else None)
            self.assertEqual(status, 404)
            self.assertIn(expected, body, msg=accept)

    def test_page_spanish(self):
        "The page of a Spanish customer is in Spanish, its scales too"
        with Transaction().start(self.database, 0) as transaction:
            pool = Pool(self.database)
            Participant = pool.get('customer_care.survey.participant')
            participant, = Participant.search([
                    ('token_digest', '=', token_digest(TOKENS['used_es'])),
                    ])
            Participant.write([participant], {'state': 'pending'})
            transaction.commit()
        try:
            status, body = self.request(TOKENS['used_es'])
            self.assertEqual(status, 200)
            self.assertIn('1 = Muy insatisfecho', body)
            self.assertIn('0 = Nada probable', body)
            self.assertIn('Enviar', body)
        finally:
            with Transaction().start(self.database, 0) as transaction:
                Participant = Pool(self.database).get(
                    'customer_care.survey.participant')
                participant, = Participant.search([
                        ('token_digest', '=',
                            token_digest(TOKENS['used_es'])),
                        ])
                Participant.write([participant], {'state': 'answered'})
                transaction.commit()
