# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The participants of a survey campaign and their answers.

Each sampled customer (a participant) is assigned to their account manager,
who records the answers, or answers on the public page (survey_page.py)
reached through a link sent by e-mail.
"""
import datetime as dt
import hashlib
import secrets
from urllib.parse import quote

from sql import Null
from sql.aggregate import Avg
from sql.conditionals import Coalesce

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .configuration import web_url
from .exceptions import SurveyAnswerValidationError, SurveyCampaignError
from .notify import language_of, message_text, send_email
from .questionnaire import CHOICE_TYPES, RANGES
from .readonly import StateReadonlyMixin
from .reminder import ReminderMixin
from .survey_campaign import CHANNELS


def token_digest(token):
    "Return the digest under which a survey token is stored"
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


class Participant(
        StateReadonlyMixin, ReminderMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'customer_care.survey.participant'
    __string__ = "Surveyed Customer"

    campaign = fields.Many2One(
        'customer_care.survey.campaign', "Campaign", required=True,
        readonly=True, ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    party = fields.Many2One(
        'party.party', "Customer", required=True, readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    account_manager = fields.Many2One(
        'res.user', "Account Manager",
        states={
            'readonly': Eval('state') != 'pending',
            })
    stratum = fields.Char("Stratum", readonly=True)
    channel = fields.Selection(
        CHANNELS, "Channel", readonly=True, sort=False)
    token_digest = fields.Char("Token Digest", readonly=True, strip=False)
    link_sent = fields.DateTime("Link Sent", readonly=True)
    questionnaire = fields.Function(
        fields.Many2One('customer_care.questionnaire', "Questionnaire"),
        'on_change_with_questionnaire')
    answers = fields.One2Many(
        'customer_care.survey.answer', 'participant', "Answers",
        states={
            'readonly': ((Eval('state') != 'pending')
                | (Eval('campaign_state') != 'running')),
            })
    campaign_state = fields.Function(
        fields.Selection('get_campaign_states', "Campaign State"),
        'on_change_with_campaign_state')
    notes = fields.Text("Notes")
    answered_through = fields.Selection([
            (None, ""),
            ('manager', "Account Manager"),
            ('web', "Web Page"),
            ], "Answered Through", readonly=True)
    answer_date = fields.DateTime("Answered", readonly=True)
    due_date = fields.Function(
        fields.Date("Contact By"), 'get_due_date')
    csat = fields.Function(
        fields.Float(
            "Rating", digits=(16, 1),
            help="The mean of the customer's ratings of 1 to 5."),
        'get_scores')
    nps = fields.Function(
        fields.Integer(
            "Recommendation",
            help="The customer's answer to the first NPS question."),
        'get_scores')
    state = fields.Selection([
            ('pending', "Pending"),
            ('answered', "Answered"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('campaign_party_unique', Unique(t, t.campaign, t.party),
                'customer_care.msg_survey_participant_unique'),
            ('token_digest_unique', Unique(t, t.token_digest),
                'customer_care.msg_survey_participant_token_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Equality())),
                Index(t, (t.account_manager, Index.Equality()),
                    where=t.state == 'pending'),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('campaign', 'DESC'), ('id', 'ASC')]
        cls._transitions |= {
            ('pending', 'answered'),
            ('answered', 'pending'),
            }
        cls._buttons.update({
                'answer': {
                    'invisible': ((Eval('state') != 'pending')
                        | (Eval('campaign_state') != 'running')),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'campaign_state'],
                    },
                'reset': {
                    'invisible': ((Eval('state') != 'answered')
                        | (Eval('campaign_state') != 'running')),
                    'icon': 'tryton-back',
                    'depends': ['state', 'campaign_state'],
                    },
                'prepare_answers': {
                    'invisible': ((Eval('state') != 'pending')
                        | (Eval('campaign_state') != 'running')),
                    'icon': 'tryton-add',
                    'depends': ['state', 'campaign_state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'pending'

    @staticmethod
    def default_channel():
        return 'manager'

    @classmethod
    def get_campaign_states(cls):
        pool = Pool()
        Campaign = pool.get('customer_care.survey.campaign')
        return Campaign.fields_get(['state'])['state']['selection']

    @fields.depends('campaign', '_parent_campaign.state')
    def on_change_with_campaign_state(self, name=None):
        return self.campaign.state if self.campaign else None

    @fields.depends('campaign', '_parent_campaign.questionnaire')
    def on_change_with_questionnaire(self, name=None):
        if self.campaign and self.campaign.questionnaire:
            return self.campaign.questionnaire.id

    def get_rec_name(self, name):
        return f'{self.party.rec_name} @ {self.campaign.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('party.rec_name', *clause[1:]),
            ('campaign.rec_name', *clause[1:]),
            ]

    def get_due_date(self, name):
        return self.campaign.contact_by or self.campaign.end_date

    @classmethod
    def get_scores(cls, participants, names):
        """Return the mean rating and the first NPS answer of each
        participant, in one grouped query per slice."""
        pool = Pool()
        Answer = pool.get('customer_care.survey.answer')
        Question = pool.get('customer_care.questionnaire.question')
        answer = Answer.__table__()
        question = Question.__table__()
        cursor = Transaction().connection.cursor()
        result = {n: {p.id: None for p in participants} for n in names}
        for sub_ids in grouped_slice(
                [p.id for p in participants], backend.MAX_QUERY_PARAMS):
            cursor.execute(*answer
                .join(question, condition=answer.question == question.id)
                .select(
                    answer.participant, question.type,
                    Avg(answer.value),
                    where=answer.participant.in_(list(sub_ids))
                    & question.type.in_(['rating', 'nps'])
                    & (answer.value != Null),
                    group_by=[answer.participant, question.type]))
            for participant, type_, mean in cursor:
                if type_ == 'rating' and 'csat' in result:
                    result['csat'][participant] = float(mean)
                elif type_ == 'nps' and 'nps' in result:
                    # Averaged when several NPS questions are answered
                    result['nps'][participant] = round(float(mean))
        return result

    @classmethod
    def check_modification(
            cls, mode, participants, values=None, external=False):
        super().check_modification(
            mode, participants, values=values, external=external)
        if mode == 'delete' and external:
            for participant in participants:
                if participant.campaign.state != 'draft':
                    raise AccessError(gettext(
                            'customer_care.msg_survey_participant_delete',
                            participant=participant.rec_name))

    @classmethod
    def check_complete(cls, participants):
        """Raise SurveyAnswerValidationError when a required question of a
        participant has no answer."""
        for participant in participants:
            answered = {a.question for a in participant.answers
                if not a.is_empty()}
            for question in participant.campaign.questionnaire.questions:
                if question.required and question not in answered:
                    raise SurveyAnswerValidationError(gettext(
                            'customer_care.msg_survey_answer_required',
                            question=question.text,
                            participant=participant.rec_name))

    @classmethod
    def check_open(cls, participants):
        "Raise SurveyCampaignError unless the answers may be recorded"
        for participant in participants:
            if participant.campaign.state != 'running':
                raise SurveyCampaignError(gettext(
                        'customer_care.msg_survey_campaign_not_running',
                        campaign=participant.campaign.rec_name))

    @classmethod
    @ModelView.button
    def prepare_answers(cls, participants):
        "Add an empty answer for each question not answered yet"
        pool = Pool()
        Answer = pool.get('customer_care.survey.answer')
        cls.check_open(participants)
        to_create = []
        for participant in participants:
            asked = {a.question for a in participant.answers}
            for question in participant.campaign.questionnaire.questions:
                if question not in asked:
                    to_create.append(Answer(
                            participant=participant, question=question))
        Answer.save(to_create)

    @classmethod
    @ModelView.button
    @Workflow.transition('answered')
    def answer(cls, participants, through='manager'):
        "Check that the required questions are answered and record it"
        pool = Pool()
        Answer = pool.get('customer_care.survey.answer')
        cls.check_open(participants)
        cls.check_complete(participants)
        Answer.delete([a for p in participants for a in p.answers
                if a.is_empty()])
        cls.write(participants, {
                'answered_through': through,
                'answer_date': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('pending')
    def reset(cls, participants):
        """Reopen the answers for the account manager.

        The link e-mailed to the customer is valid once: reopening forgets
        its token, so a used link never becomes valid again; the account
        manager records the answers."""
        cls.check_open(participants)
        cls.write(participants, {
                'answered_through': None,
                'answer_date': None,
                'token_digest': None,
                'channel': 'manager',
                })

    # The public page
    @property
    def public_title(self):
        "Return the title of the survey that the customer sees"
        questionnaire = self.campaign.questionnaire
        return questionnaire.title or gettext(
            'customer_care.msg_survey_page_title',
            company=self.company.rec_name)


    def survey_url(self, token):
        "Return the address of the public page for the token"
        database = Transaction().database.name
        return web_url(f'/{quote(database)}/customer_care/survey/{token}')

    @classmethod
    def send_links(cls, participants):
        """Give each participant a new token and e-mail them the link.

        Only the digest of the token is stored: the link cannot be
        rebuilt from the database."""
        for participant in participants:
            token = secrets.token_urlsafe(32)
            participant.token_digest = token_digest(token)
            participant.channel = 'email'
            participant.link_sent = dt.datetime.now()
            language = language_of(participant.party)
            with Transaction().set_context(language=language):
                # The campaign's name is internal: the customer sees the
                # questionnaire's title
                title = cls(participant.id).public_title
            subject = message_text(
                'customer_care.msg_survey_link_subject', language,
                campaign=title,
                company=participant.company.rec_name)
            body = message_text(
                'customer_care.msg_survey_link_body', language,
                campaign=title,
                company=participant.company.rec_name,
                url=participant.survey_url(token),
                end_date=participant.campaign.end_date)
            send_email(
                participant.party.email, subject, body, resource=participant)
        cls.save(participants)


    # Reminders: the account managers of their pending customers of the
    # running campaigns from the contact-by date (by default the end date);
    # escalated to the same manager the day after the end
    _reminder_messages = {
        'reminder': (
            'customer_care.msg_survey_participant_reminder_subject',
            'customer_care.msg_survey_participant_reminder_body'),
        'escalation': (
            'customer_care.msg_survey_participant_escalation_subject',
            'customer_care.msg_survey_participant_escalation_body'),
        }

    @classmethod
    def _reminder_tables(cls):
        pool = Pool()
        Campaign = pool.get('customer_care.survey.campaign')
        participant = cls.__table__()
        campaign = Campaign.__table__()
        return participant.join(
            campaign, condition=participant.campaign == campaign.id), {
            None: participant,
            'campaign': campaign,
            }

    @classmethod
    def _reminder_open(cls, tables):
        return ((tables[None].state == 'pending')
            & (tables['campaign'].state == 'running'))

    @classmethod
    def _reminder_due_date(cls, tables, kind):
        campaign = tables['campaign']
        if kind == 'reminder':
            return Coalesce(campaign.contact_by, campaign.end_date)
        return campaign.end_date

    @classmethod
    def _reminder_user(cls, tables):
        return tables[None].account_manager

    @classmethod
    def _escalation_user(cls, tables):
        return tables[None].account_manager


class Answer(ModelSQL, ModelView):
    __name__ = 'customer_care.survey.answer'
    __string__ = "Survey Answer"

    participant = fields.Many2One(
        'customer_care.survey.participant', "Participant", required=True,
        ondelete='CASCADE')
    question = fields.Many2One(
        'customer_care.questionnaire.question', "Question", required=True,
        ondelete='RESTRICT',
        domain=[
            ('questionnaire', '=', Eval('questionnaire', -1)),
            ])
    questionnaire = fields.Function(
        fields.Many2One('customer_care.questionnaire', "Questionnaire"),
        'on_change_with_questionnaire')
    question_type = fields.Function(
        fields.Selection('get_question_types', "Type"),
        'on_change_with_question_type')
    value = fields.Integer(
        "Value",
        states={
            'invisible': ~Eval('question_type').in_(list(RANGES)),
            },
        help="1 to 5 for a rating, 0 to 10 for a recommendation, 1 (yes) "
        "or 0 (no).")
    choice = fields.Many2One(
        'customer_care.questionnaire.choice', "Choice",
        domain=[
            ('question', '=', Eval('question', -1)),
            ],
        states={
            'invisible': ~Eval('question_type').in_(list(CHOICE_TYPES)),
            })
    text = fields.Text(
        "Text",
        states={
            'invisible': Eval('question_type') != 'text',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.participant, Index.Equality())),
                Index(t, (t.question, Index.Equality())),
                })
        cls._order = [('participant', 'ASC'), ('question', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def get_question_types(cls):
        pool = Pool()
        Question = pool.get('customer_care.questionnaire.question')
        return Question.fields_get(['type'])['type']['selection']

    @fields.depends('participant', '_parent_participant.campaign')
    def on_change_with_questionnaire(self, name=None):
        if self.participant and self.participant.campaign:
            return self.participant.campaign.questionnaire.id

    @fields.depends('question')
    def on_change_with_question_type(self, name=None):
        if self.question:
            return self.question.type

    def is_empty(self):
        return self.value is None and not self.choice and not self.text

    @classmethod
    def validate_fields(cls, answers, field_names):
        super().validate_fields(answers, field_names)
        for answer in answers:
            if answer.question.questionnaire != (
                    answer.participant.campaign.questionnaire):
                raise SurveyAnswerValidationError(gettext(
                        'customer_care.msg_survey_answer_questionnaire',
                        question=answer.question.text))
            answer.question.check_value(
                value=answer.value,
                choices=[answer.choice.id] if answer.choice else [],
                text=answer.text)

    @classmethod
    def check_modification(cls, mode, answers, values=None, external=False):
        super().check_modification(
            mode, answers, values=values, external=external)
        if mode in {'create', 'write', 'delete'}:
            for answer in answers:
                participant = answer.participant
                if (participant.state != 'pending'
                        or participant.campaign.state != 'running'):
                    raise AccessError(gettext(
                            'customer_care.msg_survey_answer_modify',
                            participant=participant.rec_name))
