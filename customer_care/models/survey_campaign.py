# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Satisfaction survey campaigns (procedure GC-P-1).

A campaign asks a questionnaire to a representative sample of a population
of customers: the population is selected by a segment and a domain on the
parties minus exclusions; the sample size follows Cochran's formula (or is
the whole population), optionally allocated in proportion to strata, and is
drawn at random with a recorded seed so that the draw can be repeated. Each
sampled customer (a participant) is assigned to their account manager, who
records the answers, or answers on a public page reached through a link
sent by e-mail.
"""
import ast
import datetime as dt
import hashlib
import logging
import random
import secrets
import unicodedata
from collections import defaultdict
from urllib.parse import quote

from sql import Literal, Null
from sql.aggregate import Avg, Min
from sql.conditionals import Coalesce

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval, If, PYSONDecoder
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .configuration import web_url
from .exceptions import (
    SurveyAnswerValidationError, SurveyCampaignError,
    SurveyCampaignValidationError, SurveyTokenError)
from .notify import _language, _message, send_email
from .questionnaire import CHOICE_TYPES, RANGES
from .readonly import StateReadonlyMixin
from .reminder import ReminderMixin
from .satisfaction import draw
from .survey_tabulation import (
    CONFIDENCES, allocate, cochran, distribution, tabulate,
    tabulate_campaigns)

CHANNELS = [
    ('manager', "Account Manager Call or Visit"),
    ('email', "E-mail with a Link"),
    ]
SAMPLINGS = [
    ('random', "Simple Random"),
    ('stratified', "Stratified Random"),
    ('all', "Whole Population"),
    ]
STRATA = [
    (None, ""),
    ('account_manager', "Account Manager"),
    ('country', "Country"),
    ]


logger = logging.getLogger(__name__)


def token_digest(token):
    "Return the digest under which a survey token is stored"
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


class Campaign(StateReadonlyMixin, Workflow, ModelSQL, ModelView):
    "Customer Care Survey Campaign"
    __name__ = 'customer_care.survey.campaign'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    name = fields.Char("Name", required=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    objective = fields.Text("Objective")
    start_date = fields.Date(
        "Start Date", required=True, states=_states,
        domain=[
            If(Eval('end_date') & Eval('start_date'),
                ('start_date', '<=', Eval('end_date')),
                ()),
            ])
    end_date = fields.Date(
        "End Date", required=True,
        states={
            'readonly': Eval('state').in_(['closed', 'reported']),
            },
        help="The answers are accepted until this day or the closing.")
    contact_by = fields.Date(
        "Contact By",
        states={
            'readonly': Eval('state').in_(['closed', 'reported']),
            },
        help="The account managers are reminded of their pending customers "
        "from this day (by default the end date).")
    questionnaire = fields.Many2One(
        'customer_care.questionnaire', "Questionnaire", required=True,
        states=_states, ondelete='RESTRICT')
    channels = fields.MultiSelection(
        CHANNELS, "Channels", sort=False, states=_states,
        help="How the customers are surveyed: by e-mail when they have an "
        "address and the channel is selected, else by their account "
        "manager.")

    # Population
    segment = fields.Many2One(
        'customer_care.segment', "Segment", states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="Survey only the customers of the segment.")
    domain = fields.Char(
        "Domain", states=_states,
        help="A domain on the parties that restricts the population, "
        "for example [('categories', '=', 3)].")
    excluded_categories = fields.Many2Many(
        'customer_care.survey.campaign-excluded-party.category', 'campaign',
        'category', "Excluded Categories", states=_states,
        help="The customers of these categories (for example strategic "
        "partners and allies) are not surveyed.")
    excluded_parties = fields.Many2Many(
        'customer_care.survey.campaign-excluded-party.party', 'campaign',
        'party', "Excluded Customers", states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    population_size = fields.Function(
        fields.Integer(
            "Population Size",
            help="The customers that may be sampled (recorded when "
            "sampled)."),
        'get_population_size')
    population = fields.Text(
        "Population", readonly=True,
        help="The ids of the customers of the population when sampled.")

    # Sample
    sampling = fields.Selection(
        SAMPLINGS, "Sampling", required=True, states=_states, sort=False)
    sampling_string = sampling.translated('sampling')
    stratify_by = fields.Selection(
        STRATA, "Stratify By", sort=False,
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('sampling') != 'stratified',
            'required': Eval('sampling') == 'stratified',
            })
    confidence = fields.Selection(
        CONFIDENCES, "Confidence Level", required=True, states=_states,
        sort=False)
    margin_error = fields.Float(
        "Margin of Error", digits=(3, 3), required=True, states=_states,
        help="The half-width of the interval wanted, e.g. 0.05 for 5 %.")
    proportion = fields.Float(
        "Expected Proportion", digits=(3, 3), required=True, states=_states,
        help="The share expected; 0.5 gives the largest sample.")
    planned_size = fields.Function(
        fields.Integer(
            "Sample Size",
            help="The sample size that Cochran's formula gives for the "
            "population."),
        'on_change_with_planned_size')
    seed = fields.Integer(
        "Seed", readonly=True,
        help="The seed of the random draw: with the population it repeats "
        "the draw.")
    sample_size = fields.Integer("Sampled", readonly=True)

    # Satisfaction
    satisfaction_question = fields.Many2One(
        'customer_care.questionnaire.question', "Satisfaction Question",
        domain=[
            ('questionnaire', '=', Eval('questionnaire', -1)),
            ('type', 'in', ['rating', 'nps']),
            ],
        states={
            'readonly': Eval('state').in_(['closed', 'reported']),
            },
        help="The question whose answer tells a satisfied customer.")
    satisfied_threshold = fields.Integer(
        "Satisfied From",
        states={
            'readonly': Eval('state').in_(['closed', 'reported']),
            },
        help="The lowest answer to the satisfaction question of a "
        "satisfied customer.")

    participants = fields.One2Many(
        'customer_care.survey.participant', 'campaign', "Participants",
        readonly=True)
    meetings = fields.One2Many(
        'customer_care.survey.meeting', 'campaign', "Meetings")
    answered = fields.Function(
        fields.Integer("Answered"), 'get_figures')
    response_rate = fields.Function(
        fields.Float("Response Rate %", digits=(16, 1)), 'get_figures')
    csat = fields.Function(
        fields.Float(
            "CSAT %", digits=(16, 1),
            help="The share of ratings of 4 or 5 of 5 to the first rating "
            "question."),
        'get_figures')
    nps = fields.Function(
        fields.Float(
            "NPS", digits=(16, 1),
            help="Promoters (9-10) minus detractors (0-6), in points."),
        'get_figures')
    satisfied_share = fields.Function(
        fields.Float(
            "Satisfied Customers %", digits=(16, 1),
            help="SC = satisfied / surveyed × 100."),
        'get_figures')
    previous = fields.Function(
        fields.Many2One(
            'customer_care.survey.campaign', "Previous Campaign",
            help="The last campaign before on the same questionnaire."),
        'get_previous')
    state = fields.Selection([
            ('draft', "Draft"),
            ('sampled', "Sampled"),
            ('running', "Running"),
            ('closed', "Closed"),
            ('reported', "Reported"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.questionnaire, Index.Equality()),
                    (t.end_date, Index.Range())),
                })
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'sampled'),
            ('sampled', 'draft'),
            ('sampled', 'running'),
            ('running', 'closed'),
            ('closed', 'reported'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'sampled',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'sample': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'run': {
                    'invisible': Eval('state') != 'sampled',
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'running',
                    'icon': 'tryton-close',
                    'depends': ['state'],
                    },
                'report': {
                    'invisible': Eval('state') != 'closed',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('state') == 'reported', 'muted', '')),
            ]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_channels():
        return ['manager']

    @staticmethod
    def default_sampling():
        return 'random'

    @staticmethod
    def default_confidence():
        return '95'

    @staticmethod
    def default_margin_error():
        return 0.05

    @staticmethod
    def default_proportion():
        return 0.5

    @staticmethod
    def default_domain():
        return '[]'

    @staticmethod
    def default_satisfied_threshold():
        return 4

    @fields.depends('questionnaire', 'satisfaction_question')
    def on_change_questionnaire(self):
        if (self.satisfaction_question
                and self.satisfaction_question.questionnaire
                != self.questionnaire):
            self.satisfaction_question = None
        if self.questionnaire and not self.satisfaction_question:
            for question in self.questionnaire.questions:
                if question.type == 'rating':
                    self.satisfaction_question = question
                    break

    @fields.depends('satisfaction_question')
    def on_change_satisfaction_question(self):
        if self.satisfaction_question:
            self.satisfied_threshold = {'rating': 4, 'nps': 9}.get(
                self.satisfaction_question.type)

    @classmethod
    def validate_fields(cls, campaigns, field_names):
        super().validate_fields(campaigns, field_names)
        if field_names & {'margin_error', 'proportion', 'domain',
                'satisfied_threshold', 'satisfaction_question',
                'end_date', 'contact_by', 'start_date'}:
            for campaign in campaigns:
                campaign.check_parameters()

    def check_parameters(self):
        if not (0 < (self.margin_error or 0) < 1):
            raise SurveyCampaignValidationError(gettext(
                    'customer_care.msg_survey_campaign_margin_error',
                    campaign=self.rec_name))
        if not (0 < (self.proportion or 0) < 1):
            raise SurveyCampaignValidationError(gettext(
                    'customer_care.msg_survey_campaign_proportion',
                    campaign=self.rec_name))
        if self.start_date and self.end_date and (
                self.end_date < self.start_date
                or (self.contact_by and not (
                        self.start_date <= self.contact_by <= self.end_date))):
            raise SurveyCampaignValidationError(gettext(
                    'customer_care.msg_survey_campaign_dates',
                    campaign=self.rec_name))
        try:
            self.population_domain()
        except Exception:
            raise SurveyCampaignValidationError(gettext(
                    'customer_care.msg_survey_campaign_domain',
                    campaign=self.rec_name))
        question = self.satisfaction_question
        if question and self.satisfied_threshold is not None:
            low, high = RANGES[question.type]
            if not (low <= self.satisfied_threshold <= high):
                raise SurveyCampaignValidationError(gettext(
                        'customer_care.msg_survey_campaign_threshold',
                        campaign=self.rec_name, low=low, high=high))

    def population_domain(self):
        "Return the domain on the parties, checked"
        pool = Pool()
        Party = pool.get('party.party')
        text = self.domain or '[]'
        try:
            # As the domain widget of the client writes it
            domain = PYSONDecoder({}).decode(text)
        except ValueError:
            # As a person writes it: [('categories', '=', 3)]
            domain = ast.literal_eval(text)
        if not isinstance(domain, list):
            raise ValueError(domain)
        Party.search(domain, limit=0)
        return domain

    def population_query(self):
        """Return the SQL query of the population's parties and, when
        stratified, their stratum keys."""
        pool = Pool()
        Party = pool.get('party.party')
        PartyCategory = pool.get('party.party-party.category')
        Address = pool.get('party.address')
        party = Party.__table__()
        party_category = PartyCategory.__table__()
        where = party.active == Literal(True)
        if self.company and self.company.party:
            # The company does not survey itself
            where &= party.id != self.company.party.id
        if self.segment:
            where &= party.id.in_(self.segment.customers_query())
        domain = self.population_domain()
        if domain:
            where &= party.id.in_(Party.search(domain, query=True, order=[]))
        if self.excluded_categories:
            where &= ~party.id.in_(party_category.select(
                    party_category.party,
                    where=party_category.category.in_(
                        [c.id for c in self.excluded_categories])))
        if self.excluded_parties:
            where &= ~party.id.in_([p.id for p in self.excluded_parties])
        columns = [party.id]
        if self.sampling == 'stratified':
            if self.stratify_by == 'account_manager':
                columns.append(party.account_manager)
            elif self.stratify_by == 'country':
                address = Address.__table__()
                columns.append(address.select(
                        Min(address.country),
                        where=(address.party == party.id)
                        & (address.active == Literal(True))))
        return party.select(*columns, where=where)

    def get_population(self):
        "Return the population as a dict of party id to stratum key"
        cursor = Transaction().connection.cursor()
        cursor.execute(*self.population_query())
        return {row[0]: row[1] if len(row) > 1 else None for row in cursor}

    @classmethod
    def get_population_size(cls, campaigns, name):
        result = {}
        for campaign in campaigns:
            if campaign.population is not None:
                result[campaign.id] = len(campaign.population.split())
            elif campaign.id >= 0 and campaign.state == 'draft':
                try:
                    result[campaign.id] = len(campaign.get_population())
                except Exception:
                    result[campaign.id] = None
            else:
                result[campaign.id] = None
        return result

    @fields.depends(
        'population_size', 'sampling', 'confidence', 'margin_error',
        'proportion')
    def on_change_with_planned_size(self, name=None):
        if self.population_size is None:
            return None
        if self.sampling == 'all':
            return self.population_size
        try:
            return cochran(
                self.population_size, self.confidence or '95',
                self.margin_error or 0, self.proportion or 0.5)
        except ValueError:
            return None

    def draw_sample(self, population=None, seed=None):
        """Return the drawn party ids mapped to their stratum key.

        The same population, parameters and seed always draw the same
        customers: each stratum is drawn with the seed and its key."""
        if population is None:
            population = dict(zip(
                    self.population_ids(), self.population_strata()))
        seed = self.seed if seed is None else seed
        if self.sampling == 'all':
            return dict(population)
        size = cochran(
            len(population), self.confidence, self.margin_error,
            self.proportion)
        strata = defaultdict(list)
        for party, stratum in population.items():
            key = stratum if self.sampling == 'stratified' else None
            strata[key].append(party)
        sizes = allocate({k: len(v) for k, v in strata.items()}, size)
        drawn = {}
        for key, parties in strata.items():
            for party in draw(parties, sizes[key], f'{seed}:{key}'):
                drawn[party] = key
        return drawn

    def population_ids(self):
        return [int(i.split(':')[0]) for i in (self.population or '').split()]

    def stratum_model(self):
        "Return the model of the stratum keys"
        return {
            'account_manager': 'res.user',
            'country': 'country.country',
            }.get(self.stratify_by)

    def stratum_names(self, keys):
        "Return the stratum keys mapped to the names of their records"
        name = self.stratum_model()
        if not name or not keys:
            return {}
        Model = Pool().get(name)
        return {r.id: r.rec_name for r in Model.browse(list(keys))}

    def population_strata(self):
        strata = []
        for item in (self.population or '').split():
            _, _, key = item.partition(':')
            strata.append(int(key) if key else None)
        return strata

    @classmethod
    def get_figures(cls, campaigns, names):
        result = {n: {c.id: None for c in campaigns} for n in names}
        campaigns = [c for c in campaigns
            if c.state not in {'draft', 'sampled'}]
        tabulated = tabulate_campaigns(campaigns)
        for campaign in campaigns:
            figures = tabulated.get(campaign.id)
            if not figures:
                continue
            rating, nps = campaign.headline_questions()
            values = {
                'answered': figures.answered,
                'response_rate': (100 * figures.response_rate
                    if figures.response_rate is not None else None),
                'csat': (100 * figures.csat(rating.id)[0]
                    if rating and figures.csat(rating.id) else None),
                'nps': (figures.nps(nps.id)[0]
                    if nps and figures.nps(nps.id) else None),
                'satisfied_share': (100 * figures.satisfied_share[0]
                    if figures.satisfied_share else None),
                }
            for name in names:
                result[name][campaign.id] = values[name]
        return result

    def headline_questions(self):
        "Return the first rating and the first NPS question"
        rating = next((q for q in self.questionnaire.questions
                if q.type == 'rating'), None)
        nps = next((q for q in self.questionnaire.questions
                if q.type == 'nps'), None)
        return rating, nps

    @classmethod
    def get_previous(cls, campaigns, name):
        """Return the last closed campaign before each campaign on the same
        questionnaire: one search for all the campaigns' questionnaires."""
        result = {c.id: None for c in campaigns}
        candidates = defaultdict(list)
        for other in cls.search([
                    ('questionnaire', 'in', list(
                            {c.questionnaire.id for c in campaigns})),
                    ('state', 'in', ['closed', 'reported']),
                    ], order=[('start_date', 'DESC'), ('id', 'DESC')]):
            candidates[other.company.id, other.questionnaire.id].append(
                other)
        for campaign in campaigns:
            for other in candidates[
                    campaign.company.id, campaign.questionnaire.id]:
                if (other.start_date < campaign.start_date
                        and other.id != campaign.id):
                    result[campaign.id] = other.id
                    break
        return result

    def tabulate(self, group=None):
        return tabulate(self, group=group)

    def distribution(self):
        return distribution(self)

    @classmethod
    def check_modification(cls, mode, campaigns, values=None, external=False):
        super().check_modification(
            mode, campaigns, values=values, external=external)
        if mode == 'delete':
            for campaign in campaigns:
                if campaign.state != 'draft':
                    raise AccessError(gettext(
                            'customer_care.msg_survey_campaign_delete_draft',
                            campaign=campaign.rec_name))

    @classmethod
    def copy(cls, campaigns, default=None):
        pool = Pool()
        FieldAccess = pool.get('ir.model.field.access')
        default = default.copy() if default is not None else {}
        if not FieldAccess.check(
                cls.__name__, ['domain'], 'write', raise_exception=False):
            # Only the administrators write the raw domain
            default.setdefault('domain', None)
        default.setdefault('participants', None)
        default.setdefault('meetings', None)
        default.setdefault('population', None)
        default.setdefault('seed', None)
        default.setdefault('sample_size', None)
        return super().copy(campaigns, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, campaigns):
        pool = Pool()
        Participant = pool.get('customer_care.survey.participant')
        Participant.delete(Participant.search([
                    ('campaign', 'in', [c.id for c in campaigns]),
                    ]))
        cls.write(campaigns, {
                'population': None,
                'seed': None,
                'sample_size': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('sampled')
    def sample(cls, campaigns, seed=None):
        """Record the population, draw the sample and assign each sampled
        customer to their account manager."""
        pool = Pool()
        Participant = pool.get('customer_care.survey.participant')
        Party = pool.get('party.party')
        system_random = random.SystemRandom()
        to_create = []
        for campaign in campaigns:
            campaign.check_parameters()
            if not campaign.segment and not campaign.population_domain():
                raise SurveyCampaignError(gettext(
                        'customer_care.msg_survey_campaign_no_population',
                        campaign=campaign.rec_name))
            population = campaign.get_population()
            if not population:
                raise SurveyCampaignError(gettext(
                        'customer_care.msg_survey_campaign_empty_population',
                        campaign=campaign.rec_name))
            campaign.population = ' '.join(
                f'{p}:{s}' if s is not None else str(p)
                for p, s in sorted(population.items()))
            campaign.seed = (seed if seed is not None
                else system_random.randrange(2 ** 31))
            drawn = campaign.draw_sample(population)
            campaign.sample_size = len(drawn)
            names = campaign.stratum_names(set(drawn.values()) - {None})
            parties = Party.browse(sorted(drawn))
            for party in parties:
                stratum = names.get(drawn[party.id])
                to_create.append({
                        'campaign': campaign.id,
                        'company': campaign.company.id,
                        'party': party.id,
                        'account_manager': (party.account_manager.id
                            if party.account_manager else None),
                        'stratum': stratum,
                        })
        cls.save(campaigns)
        Participant.create(to_create)

    @classmethod
    @ModelView.button
    @Workflow.transition('running')
    def run(cls, campaigns):
        "Send the link of the questionnaire to the customers to e-mail"
        pool = Pool()
        Participant = pool.get('customer_care.survey.participant')
        participants = Participant.search([
                ('campaign', 'in', [c.id for c in campaigns]),
                ])
        to_email = [p for p in participants
            if 'email' in (p.campaign.channels or []) and p.party.email]
        Participant.write(
            [p for p in participants if p not in to_email],
            {'channel': 'manager'})
        if to_email:
            Participant.send_links(to_email)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, campaigns):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('reported')
    def report(cls, campaigns):
        pass


class Campaign_ExcludedCategory(ModelSQL):
    "Customer Care Survey Campaign - Excluded Category"
    __name__ = 'customer_care.survey.campaign-excluded-party.category'
    campaign = fields.Many2One(
        'customer_care.survey.campaign', "Campaign", required=True,
        ondelete='CASCADE')
    category = fields.Many2One(
        'party.category', "Category", required=True, ondelete='CASCADE')


class Campaign_ExcludedParty(ModelSQL):
    "Customer Care Survey Campaign - Excluded Party"
    __name__ = 'customer_care.survey.campaign-excluded-party.party'
    campaign = fields.Many2One(
        'customer_care.survey.campaign', "Campaign", required=True,
        ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')


class Participant(
        StateReadonlyMixin, ReminderMixin, Workflow, ModelSQL, ModelView):
    "Customer Care Survey Participant"
    __name__ = 'customer_care.survey.participant'

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
            ('party.rec_name',) + tuple(clause[1:]),
            ('campaign.rec_name',) + tuple(clause[1:]),
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

    @classmethod
    def from_digest(cls, token):
        "Return the participant of the token whatever its state, or None"
        if not token or len(token) > 100:
            return None
        participants = cls.search([
                ('token_digest', '=', token_digest(token)),
                ], limit=1)
        return participants[0] if participants else None

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
            language = _language(participant.party)
            with Transaction().set_context(language=language):
                # The campaign's name is internal: the customer sees the
                # questionnaire's title
                title = cls(participant.id).public_title
            subject = _message(
                'customer_care.msg_survey_link_subject', language,
                campaign=title,
                company=participant.company.rec_name)
            body = _message(
                'customer_care.msg_survey_link_body', language,
                campaign=title,
                company=participant.company.rec_name,
                url=participant.survey_url(token),
                end_date=participant.campaign.end_date)
            send_email(
                participant.party.email, subject, body, resource=participant)
        cls.save(participants)

    @classmethod
    def from_token(cls, token):
        """Return the participant of the token, or raise SurveyTokenError
        when the token is unknown, used or its campaign closed."""
        if not token or len(token) > 100:
            raise SurveyTokenError(gettext(
                    'customer_care.msg_survey_token_unknown'))
        participants = cls.search([
                ('token_digest', '=', token_digest(token)),
                ], limit=1)
        if not participants:
            raise SurveyTokenError(gettext(
                    'customer_care.msg_survey_token_unknown'))
        participant, = participants
        if participant.state != 'pending':
            error = SurveyTokenError(gettext(
                    'customer_care.msg_survey_token_used'))
        elif participant.campaign.state != 'running':
            error = SurveyTokenError(gettext(
                    'customer_care.msg_survey_token_closed'))
        else:
            return participant
        # The link was valid: the page answers 410 Gone
        error.gone = True
        raise error

    def record_web_answers(self, values):
        """Record the answers of the public page and mark them answered.

        values maps each question id to a list of strings, as a form posts
        them; anything that is not an answer to one of the questionnaire's
        questions raises SurveyAnswerValidationError, whose text the
        customer may read (no model, field or record name)."""
        try:
            self._record_web_answers(values)
        except SurveyAnswerValidationError:
            raise
        except (ValidationError, UserError) as exception:
            logger.info(
                "survey answers of participant %s refused", self.id,
                exc_info=True)
            raise SurveyAnswerValidationError(gettext(
                    'customer_care.msg_survey_page_invalid')) from exception

    def _record_web_answers(self, values):
        pool = Pool()
        Answer = pool.get('customer_care.survey.answer')
        answers = []
        for question in self.campaign.questionnaire.questions:
            raw = [v.strip() for v in values.get(question.id, [])
                if v and v.strip()]
            if not raw:
                continue
            if question.type == 'text':
                # No control characters (PostgreSQL refuses NUL in text)
                text = ''.join(c for c in raw[0][:5000]
                    if c in '\n\t' or unicodedata.category(c) != 'Cc')
                if text.strip():
                    answers.append(Answer(
                            participant=self, question=question, text=text))
                continue
            try:
                numbers = [int(v) for v in raw]
            except ValueError:
                raise SurveyAnswerValidationError(gettext(
                        'customer_care.msg_survey_answer_invalid',
                        question=question.text))
            if question.type in CHOICE_TYPES:
                question.check_value(choices=numbers)
                answers.extend(Answer(
                        participant=self, question=question, choice=c)
                    for c in sorted(set(numbers)))
            else:
                if len(numbers) > 1:
                    raise SurveyAnswerValidationError(gettext(
                            'customer_care.msg_survey_answer_invalid',
                            question=question.text))
                question.check_value(value=numbers[0])
                answers.append(Answer(
                        participant=self, question=question,
                        value=numbers[0]))
        answered = {a.question for a in answers}
        for question in self.campaign.questionnaire.questions:
            if question.required and question not in answered:
                # The customer sees this message: no record name
                raise SurveyAnswerValidationError(gettext(
                        'customer_care.msg_survey_page_missing',
                        question=question.text))
        Answer.delete(list(self.answers))
        Answer.save(answers)
        # The token is valid once: the participant is no longer pending
        self.answer([self.__class__(self.id)], through='web')

    # Reminders
    @classmethod
    def _reminder_messages(cls, kind):
        return (
            f'customer_care.msg_survey_participant_{kind}_subject',
            f'customer_care.msg_survey_participant_{kind}_body',
            )

    @classmethod
    def _reminder_candidates(cls, kind, date):
        """Remind the account managers of their pending customers of the
        running campaigns from the contact-by date (by default the end
        date); escalate them to the same manager the day after the end."""
        pool = Pool()
        Campaign = pool.get('customer_care.survey.campaign')
        participant = cls.__table__()
        campaign = Campaign.__table__()
        company = Transaction().context.get('company')
        due = (Coalesce(campaign.contact_by, campaign.end_date)
            if kind == 'reminder' else campaign.end_date)
        where = ((participant.state == 'pending')
            & (campaign.state == 'running')
            & (participant.account_manager != Null))
        if kind == 'reminder':
            where &= due <= date
        else:
            where &= due < date
        if company:
            where &= participant.company == company
        return participant.join(
            campaign, condition=participant.campaign == campaign.id
            ).select(
                participant.id.as_('record'),
                due.as_('due_date'),
                participant.account_manager.as_('user'),
                where=where)


class Answer(ModelSQL, ModelView):
    "Customer Care Survey Answer"
    __name__ = 'customer_care.survey.answer'

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
