# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Satisfaction survey campaigns (procedure GC-P-1).

A campaign asks a questionnaire to a representative sample of a population
of customers: the population is selected by a segment and a domain on the
parties minus exclusions; the sample size follows Cochran's formula (or is
the whole population), optionally allocated in proportion to strata, and is
drawn at random with a recorded seed so that the draw can be repeated.
The sampled customers are the participants (survey_participant.py).
"""
import ast
import random
from collections import defaultdict

from sql import Literal, Null
from sql.aggregate import Min

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.model.modelstorage import is_leaf
from trytond.pool import Pool
from trytond.pyson import Eval, If, PYSONDecoder, PYSONEncoder
from trytond.transaction import Transaction

from .exceptions import SurveyCampaignError, SurveyCampaignValidationError
from .questionnaire import RANGES
from .readonly import StateReadonlyMixin
from .sampling import draw
from .survey_tabulation import (
    CONFIDENCES, allocate, cochran, distribution, tabulate, tabulate_campaigns)


# What a domain written by hand raises when it is not a domain of the
# parties: decoded (ValueError), checked (ValueError) or searched (KeyError
# for an unknown field, TypeError or IndexError for a value of the wrong
# kind)
DOMAIN_ERRORS = (ValueError, TypeError, KeyError, IndexError)

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


def check_domain(domain):
    """Raise ValueError unless domain is made of leaves and sub-domains

    Tryton's search takes any other clause for a sub-domain and recurses
    without end into it: a leaf with an unknown operator, or too short."""
    if not isinstance(domain, (list, tuple)):
        raise ValueError(domain)
    for i, clause in enumerate(domain):
        if i == 0 and isinstance(clause, str) and clause in {'AND', 'OR'}:
            continue
        if not is_leaf(clause):
            check_domain(clause)


class Campaign(StateReadonlyMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'customer_care.survey.campaign'
    __string__ = "Survey Campaign"

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
    def __register__(cls, module):
        super().__register__(module)
        cls._migrate_population_domain()

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
        # PostgreSQL also refuses an operand of the wrong type
        except (*DOMAIN_ERRORS, backend.DatabaseDataError) as exception:
            raise SurveyCampaignValidationError(gettext(
                    'customer_care.msg_survey_campaign_domain',
                    campaign=self.rec_name)) from exception
        question = self.satisfaction_question
        if question and self.satisfied_threshold is not None:
            low, high = RANGES[question.type]
            if not (low <= self.satisfied_threshold <= high):
                raise SurveyCampaignValidationError(gettext(
                        'customer_care.msg_survey_campaign_threshold',
                        campaign=self.rec_name, low=low, high=high))

    def population_domain(self):
        """Return the domain on the parties, checked

        It is stored as PYSON, as the domain widget of the client writes it
        (and as Tryton stores the domains of record rules and actions)."""
        pool = Pool()
        Party = pool.get('party.party')
        domain = PYSONDecoder({}).decode(self.domain or '[]')
        if not isinstance(domain, list):
            raise ValueError(domain)
        check_domain(domain)
        Party.search(domain, limit=0)
        return domain

    @classmethod
    def _migrate_population_domain(cls):
        "Encode as PYSON the domains written as a Python list"
        # Migration from 8.0.0: the domain was also read as a Python list
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(
                table.id, table.domain, where=table.domain != Null))
        for id_, text in cursor.fetchall():
            try:
                PYSONDecoder({}).decode(text)
                continue
            except ValueError:
                pass
            try:
                domain = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                # Never a valid domain: left for the administrator to see
                continue
            cursor.execute(*table.update(
                    [table.domain], [PYSONEncoder().encode(domain)],
                    where=table.id == id_))

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
                except (*DOMAIN_ERRORS, AccessError):
                    # A domain on the fields the user may not read
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
    __name__ = 'customer_care.survey.campaign-excluded-party.category'
    __string__ = "Survey Campaign - Excluded Category"
    campaign = fields.Many2One(
        'customer_care.survey.campaign', "Campaign", required=True,
        ondelete='CASCADE')
    category = fields.Many2One(
        'party.category', "Category", required=True, ondelete='CASCADE')


class Campaign_ExcludedParty(ModelSQL):
    __name__ = 'customer_care.survey.campaign-excluded-party.party'
    __string__ = "Survey Campaign - Excluded Party"
    campaign = fields.Many2One(
        'customer_care.survey.campaign', "Campaign", required=True,
        ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')
