# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The figures of the satisfaction surveys.

The sample size follows Cochran's formula with the finite population
correction; the proportions (CSAT, share of satisfied customers) come with
their Wilson score interval and the NPS with Newcombe's square-and-add
interval, both corrected for the finite population that was sampled and
both within their bounds however small the sample (`proportion_interval`,
`nps_interval`).

The answers are counted by SQL queries grouped by question, stratum and
account manager; the figures of coarser groups add those counts up.
"""
import math
from collections import defaultdict
from statistics import NormalDist

from sql import Cast, Literal, Null, Union
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case as SQLCase

from trytond import backend
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

CONFIDENCES = [
    ('90', "90 %"),
    ('95', "95 %"),
    ('99', "99 %"),
    ]
# A rating of 4 or 5 is positive (CSAT); an NPS of 9-10 promotes, 0-6 detracts
CSAT_POSITIVE = 4
NPS_PROMOTER = 9
NPS_DETRACTOR = 6


def z_score(confidence):
    "Return the two-sided normal quantile of the confidence (0.95 or '95')"
    confidence = float(confidence)
    if confidence > 1:
        confidence /= 100
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def cochran(population, confidence, margin, proportion=0.5):
    """Return the sample size of a proportion in a finite population.

    n0 = z² p (1 - p) / e² and n = n0 / (1 + (n0 - 1) / N), rounded up and
    never above the population."""
    if population <= 0:
        return 0
    if not (0 < margin < 1):
        raise ValueError("margin must be between 0 and 1")
    if not (0 < proportion < 1):
        raise ValueError("proportion must be between 0 and 1")
    z = z_score(confidence)
    n0 = z ** 2 * proportion * (1 - proportion) / margin ** 2
    n = n0 / (1 + (n0 - 1) / population)
    # Rounding errors must not add a customer: 369.9999999 is 370
    return min(population, math.ceil(round(n, 6)))


def allocate(sizes, total):
    """Return the proportional allocation of total between the strata.

    sizes maps each stratum to its population; the largest remainders
    receive the units left by rounding down (ties by stratum order) so the
    allocation sums to total (or to the population when it is smaller)."""
    population = sum(sizes.values())
    total = min(total, population)
    if not population:
        return {k: 0 for k in sizes}
    quotas = {k: total * s / population for k, s in sizes.items()}
    allocation = {k: math.floor(q) for k, q in quotas.items()}
    left = total - sum(allocation.values())
    order = sorted(
        sizes, key=lambda k: (-(quotas[k] - allocation[k]), str(k)))
    for key in order[:left]:
        allocation[key] += 1
    return allocation


def fpc(sample, population):
    "Return the finite population correction sqrt((N - n) / (N - 1))"
    if not population or population <= 1 or sample >= population:
        return 0.0 if population and sample >= population else 1.0
    return math.sqrt((population - sample) / (population - 1))


def wilson(successes, sample, z):
    """Return the Wilson score interval (low, high) of a proportion.

    Wilson (1927), "Probable inference, the law of succession, and
    statistical inference", JASA 22: 209-212; method 3 of Newcombe (1998),
    "Two-sided confidence intervals for the single proportion: comparison
    of seven methods", Statistics in Medicine 17: 857-872. The interval
    inverts the score test: it stays within [0, 1] and is not empty at
    0 or n successes, where the normal approximation gives a zero width."""
    p = successes / sample
    z2n = z ** 2 / sample
    centre = (p + z2n / 2) / (1 + z2n)
    half = (z / (1 + z2n)
        * math.sqrt(p * (1 - p) / sample + z2n / (4 * sample)))
    return max(0.0, centre - half), min(1.0, centre + half)


def paired_difference(both, first, second, neither, z):
    """Return the difference of two proportions measured on the same
    sample, (both + first - both - second) / n, and its interval (d, low,
    high): the counts are those of a paired 2 x 2 table (both, first only,
    second only, neither).

    Newcombe's square-and-add (hybrid score) interval, method 10 of
    Newcombe (1998), "Improved confidence intervals for the difference
    between binomial proportions based on paired data", Statistics in
    Medicine 17: 2635-2650: the Wilson intervals [l1, u1] and [l2, u2] of
    the two proportions p1 and p2 combined with the estimated correlation
    phi of the two (phi is 0 when a margin of the table is 0, and a
    positive correlation is reduced by n / 2):

        low = d - sqrt((p1 - l1)² - 2 phi (p1 - l1)(u2 - p2) + (u2 - p2)²)
        high = d + sqrt((u1 - p1)² - 2 phi (u1 - p1)(p2 - l2) + (p2 - l2)²)

    It stays within [-1, 1] (as |phi| <= 1, low >= l1 - u2 >= -1)."""
    n = both + first + second + neither
    p1, p2 = (both + first) / n, (both + second) / n
    l1, u1 = wilson(both + first, n, z)
    l2, u2 = wilson(both + second, n, z)
    margins = ((both + first) * (second + neither)
        * (both + second) * (first + neither))
    cross = both * neither - first * second
    if not margins or 0 <= cross <= n / 2:
        phi = 0
    elif cross > n / 2:
        phi = (cross - n / 2) / math.sqrt(margins)
    else:
        phi = cross / math.sqrt(margins)
    low = p1 - p2 - math.sqrt(max(0.0, (p1 - l1) ** 2
            - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    high = p1 - p2 + math.sqrt(max(0.0, (u1 - p1) ** 2
            - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return p1 - p2, max(-1.0, low), min(1.0, high)


def proportion_interval(successes, sample, population, confidence=0.95):
    """Return the proportion of successes and its confidence interval
    (p, low, high), or None without a sample.

    The Wilson score interval (`wilson`) on the effective sample size
    n / fpc² of a sample drawn without replacement, i.e. with z fpc in
    place of z (Korn and Graubard (1998), "Confidence intervals for
    proportions with small expected number of positive counts estimated
    from survey data", Survey Methodology 24: 193-201): the interval
    shrinks to p when the whole population answered."""
    if not sample:
        return None
    low, high = wilson(
        successes, sample, z_score(confidence) * fpc(sample, population))
    return successes / sample, low, high


def nps_interval(promoters, detractors, sample, population, confidence=0.95):
    """Return the NPS and its confidence interval in points (nps, low,
    high), between -100 and 100, or None without a sample.

    The NPS is the difference of two proportions of one multinomial
    sample, promoters minus detractors: a paired 2 x 2 table with no
    customer in both (`paired_difference`, Newcombe's square-and-add
    interval on the Wilson intervals of the two shares, corrected for the
    finite population as `proportion_interval` is). The correlation of
    the two shares is -sqrt(pp pd / ((1 - pp)(1 - pd))). The normal
    approximation, NPS ± z sqrt(((pp + pd) - (pp - pd)²) / n), exceeds
    100 points with two answers; this interval stays within its bounds
    and is asymmetric near them."""
    if not sample:
        return None
    z = z_score(confidence) * fpc(sample, population)
    score, low, high = paired_difference(
        0, promoters, detractors, sample - promoters - detractors, z)
    return 100 * score, 100 * low, 100 * high


def question_columns(answer, question):
    "Return the SQL aggregates of the answers to a question"
    return [
        Count(answer.value).as_('count'),
        Sum(answer.value).as_('total'),
        Count(SQLCase(
                ((question.type == 'rating')
                    & (answer.value >= CSAT_POSITIVE), Literal(1)),
                ((question.type == 'nps')
                    & (answer.value >= NPS_PROMOTER), Literal(1)),
                ((question.type == 'yes_no') & (answer.value == 1),
                    Literal(1)))).as_('positive'),
        Count(SQLCase(
                ((question.type == 'nps')
                    & (answer.value <= NPS_DETRACTOR), Literal(1)),
                )).as_('negative'),
        ]


class Figures:
    "The figures of a group of answered participants"

    def __init__(self, population, confidence):
        self.population = population
        self.confidence = confidence
        self.participants = 0
        self.answered = 0
        self.satisfied = 0
        # question id -> [count, total, positive, negative]
        self.questions = defaultdict(lambda: [0, 0, 0, 0])

    @property
    def response_rate(self):
        if self.participants:
            return self.answered / self.participants

    @property
    def satisfied_share(self):
        "SC = satisfied / surveyed (answered)"
        return proportion_interval(
            self.satisfied, self.answered, self.population, self.confidence)

    def mean(self, question):
        count, total = self.questions[question][:2]
        if count:
            return total / count

    def csat(self, question):
        count, _, positive, _ = self.questions[question]
        return proportion_interval(
            positive, count, self.population, self.confidence)

    def nps(self, question):
        count, _, promoters, detractors = self.questions[question]
        return nps_interval(
            promoters, detractors, count, self.population, self.confidence)


def restricted_manager():
    """Return the user whose customers alone the figures count: an account
    manager who is not in the customer care group; None for everyone else.

    The figures are counted by SQL queries that record rules do not see:
    an account manager sees only the answers of their own customers."""
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    transaction = Transaction()
    if not transaction.user:
        return None
    groups = set(User.get_groups())
    if ModelData.get_id('customer_care', 'group_customer_care') in groups:
        return None
    if ModelData.get_id('customer_care', 'group_account_manager') in groups:
        return transaction.user
    return None


def population_sizes(campaign):
    """Return the size of the campaign's population by stratum name and by
    account manager, counted on the recorded population:
    ({stratum: size}, {account manager id: size}, {(stratum, manager): size}).

    The account manager is the customer's one now (the population records
    only the customers and their strata)."""
    pool = Pool()
    Party = pool.get('party.party')
    party = Party.__table__()
    cursor = Transaction().connection.cursor()
    population = dict(zip(
            campaign.population_ids(), campaign.population_strata()))
    names = campaign.stratum_names(set(population.values()) - {None})
    managers = {}
    for sub_ids in grouped_slice(list(population), backend.MAX_QUERY_PARAMS):
        cursor.execute(*party.select(
                party.id, party.account_manager,
                where=party.id.in_(list(sub_ids))))
        managers.update(cursor)
    by_stratum, by_manager, by_both = (
        defaultdict(int), defaultdict(int), defaultdict(int))
    for party_id, key in population.items():
        stratum = names.get(key)
        manager = managers.get(party_id)
        by_stratum[stratum] += 1
        by_manager[manager] += 1
        by_both[stratum, manager] += 1
    return by_stratum, by_manager, by_both


def tabulate(campaign, group=None):
    """Return the figures of the campaign by group: None (the whole
    campaign), 'stratum' or 'account_manager'.

    The result maps the group's key (None for the whole campaign) to a
    Figures; the population of each group is counted on the recorded
    population (never below the group's sample). For an account manager
    outside the customer care group, only their customers count."""
    return _tabulate([campaign], group=group)[campaign.id]


def tabulate_campaigns(campaigns):
    """Return the figures of the whole of each campaign, {campaign id:
    Figures or None}, in two grouped queries per slice of campaigns.

    The intervals are not corrected for the population (not counted): use
    their point values."""
    result = {}
    for sub_campaigns in grouped_slice(campaigns, 100):
        sub_campaigns = list(sub_campaigns)
        for campaign_id, figures in _tabulate(
                sub_campaigns, sizes=False).items():
            result[campaign_id] = figures.get(None)
    return result


def _tabulate(campaigns, group=None, sizes=True):
    "Return {campaign id: {group key: Figures}}"
    pool = Pool()
    Participant = pool.get('customer_care.survey.participant')
    Answer = pool.get('customer_care.survey.answer')
    Question = pool.get('customer_care.questionnaire.question')
    participant = Participant.__table__()
    answer = Answer.__table__()
    question = Question.__table__()
    cursor = Transaction().connection.cursor()

    def key(stratum, manager):
        if group == 'stratum':
            return stratum
        elif group == 'account_manager':
            return manager

    manager = restricted_manager()
    where = participant.campaign.in_([c.id for c in campaigns])
    if manager is not None:
        where &= participant.account_manager == manager
    cursor.execute(*participant.select(
            participant.campaign,
            participant.stratum, participant.account_manager,
            Count(Literal(1)),
            Count(SQLCase((participant.state == 'answered', Literal(1)))),
            where=where,
            group_by=[participant.campaign, participant.stratum,
                participant.account_manager]))
    rows = cursor.fetchall()
    result = {c.id: {} for c in campaigns}
    confidences = {
        c.id: z_confidence(c.confidence) for c in campaigns}
    for campaign_id, stratum, manager_id, count, answered in rows:
        figures = result[campaign_id]
        k = key(stratum, manager_id)
        if k not in figures:
            figures[k] = Figures(None, confidences[campaign_id])
        figures[k].participants += count
        figures[k].answered += answered

    if sizes:
        for campaign in campaigns:
            by_stratum, by_manager, by_both = population_sizes(campaign)

            def population(k):
                if manager is None:
                    if group == 'stratum':
                        return by_stratum.get(k, 0)
                    elif group == 'account_manager':
                        return by_manager.get(k, 0)
                    return sum(by_stratum.values())
                if group == 'stratum':
                    return by_both.get((k, manager), 0)
                return by_manager.get(manager, 0)
            for k, figures in result[campaign.id].items():
                # A customer may have changed of account manager since the
                # draw
                figures.population = max(population(k), figures.participants)

    satisfied = [
        (participant.campaign == c.id)
        & (answer.question == c.satisfaction_question.id)
        & (answer.value >= c.satisfied_threshold)
        for c in campaigns
        if c.satisfaction_question and c.satisfied_threshold is not None]
    columns = question_columns(answer, question)
    if satisfied:
        condition = satisfied[0]
        for other in satisfied[1:]:
            condition |= other
        columns.append(Count(SQLCase((condition, Literal(1)))))
    else:
        columns.append(Literal(0))
    cursor.execute(*participant
        .join(answer, condition=answer.participant == participant.id)
        .join(question, condition=answer.question == question.id)
        .select(
            participant.campaign,
            participant.stratum, participant.account_manager,
            answer.question, *columns,
            where=where & (participant.state == 'answered'),
            group_by=[participant.campaign, participant.stratum,
                participant.account_manager, answer.question]))
    for campaign_id, stratum, manager_id, question_id, *counts in cursor:
        figures = result[campaign_id][key(stratum, manager_id)]
        figures.satisfied += counts[-1]
        values = figures.questions[question_id]
        for i, count in enumerate(counts[:4]):
            values[i] += count or 0
    return result


def z_confidence(confidence):
    "Return the confidence as a fraction"
    return int(confidence or 95) / 100


def distribution(campaign):
    """Return for each question of the campaign the count of each answer:
    {question id: {value or choice id: count}} in one grouped query."""
    pool = Pool()
    Participant = pool.get('customer_care.survey.participant')
    Answer = pool.get('customer_care.survey.answer')
    participant = Participant.__table__()
    answer = Answer.__table__()
    cursor = Transaction().connection.cursor()
    where = participant.campaign == campaign.id
    manager = restricted_manager()
    if manager is not None:
        where &= participant.account_manager == manager
    cursor.execute(*answer
        .join(participant, condition=answer.participant == participant.id)
        .select(
            answer.question, answer.value, answer.choice, Count(answer.id),
            where=where
            & (participant.state == 'answered')
            & ((answer.value != Null) | (answer.choice != Null)),
            group_by=[answer.question, answer.value, answer.choice]))
    result = defaultdict(dict)
    for question, value, choice, count in cursor:
        result[question][choice if choice is not None else value] = count
    return result


LEVELS = [
    ('overall', "Overall"),
    ('stratum', "By Stratum"),
    ('account_manager', "By Account Manager"),
    ]


class ResultContext(ModelView):
    __name__ = 'customer_care.survey.result.context'
    __string__ = "Survey Results"

    campaign = fields.Many2One(
        'customer_care.survey.campaign', "Campaign", required=True,
        domain=[
            ('state', 'in', ['running', 'closed', 'reported']),
            ],
        help="The figures of one campaign: the figures of several "
        "campaigns do not add up.")

    @classmethod
    def default_campaign(cls):
        "Return the campaign of the context, else the latest one answered"
        pool = Pool()
        Campaign = pool.get('customer_care.survey.campaign')
        context = Transaction().context
        if context.get('campaign'):
            return context['campaign']
        domain = [('state', 'in', ['running', 'closed', 'reported'])]
        if context.get('company'):
            domain.append(('company', '=', context['company']))
        campaigns = Campaign.search(domain, limit=1)
        if campaigns:
            return campaigns[0].id


class Result(ModelSQL, ModelView):
    """The answers to a numeric question of a campaign counted for the whole
    campaign (overall), per stratum and per account manager: each row is
    the aggregate of its own group, so the rows of a level never need to be
    added up (a mean or a score cannot be)."""
    __name__ = 'customer_care.survey.result'
    __string__ = "Survey Result"

    campaign = fields.Many2One(
        'customer_care.survey.campaign', "Campaign", readonly=True)
    question = fields.Many2One(
        'customer_care.questionnaire.question', "Question", readonly=True)
    type = fields.Char("Type", readonly=True)
    level = fields.Selection(LEVELS, "Level", readonly=True, sort=False)
    level_string = level.translated('level')
    level_order = fields.Integer("Level Order", readonly=True)
    stratum = fields.Char("Stratum", readonly=True)
    account_manager = fields.Many2One(
        'res.user', "Account Manager", readonly=True)
    count = fields.Integer("Answers", readonly=True)
    mean = fields.Function(fields.Float("Mean", digits=(16, 2)), 'get_mean')
    total = fields.Integer("Total", readonly=True)
    positive = fields.Integer(
        "Positive", readonly=True,
        help="Ratings of 4 or 5, NPS of 9 or 10, yes.")
    negative = fields.Integer(
        "Detractors", readonly=True, help="NPS of 0 to 6.")
    csat = fields.Function(
        fields.Float("CSAT %", digits=(16, 1)), 'get_score')
    nps = fields.Function(fields.Float("NPS", digits=(16, 1)), 'get_score')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('campaign', 'DESC'), ('level_order', 'ASC'),
            ('question', 'ASC'), ('stratum', 'ASC'),
            ('account_manager', 'ASC'), ('id', 'ASC')]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('level') == 'overall', 'success', '')),
            ]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Participant = pool.get('customer_care.survey.participant')
        Answer = pool.get('customer_care.survey.answer')
        Question = pool.get('customer_care.questionnaire.question')
        participant = Participant.__table__()
        answer = Answer.__table__()
        question = Question.__table__()
        database = Transaction().database
        campaign = Transaction().context.get('campaign')
        where = ((participant.state == 'answered')
            & question.type.in_(['rating', 'nps', 'yes_no']))
        if campaign:
            where &= participant.campaign == campaign
        from_ = (participant
            .join(answer, condition=answer.participant == participant.id)
            .join(question, condition=answer.question == question.id))
        queries = []
        for order, (level, _) in enumerate(LEVELS):
            # Typed NULLs: PostgreSQL types an untyped one as text, which
            # the integer account manager of another level cannot join
            stratum = (participant.stratum if level == 'stratum'
                else Cast(Null, database.sql_type('VARCHAR').base))
            manager = (participant.account_manager
                if level == 'account_manager'
                else Cast(Null, database.sql_type('INTEGER').base))
            group_by = [participant.campaign, answer.question, question.type]
            if level == 'stratum':
                group_by.append(participant.stratum)
            elif level == 'account_manager':
                group_by.append(participant.account_manager)
            level_where = where
            if level == 'stratum':
                # A campaign sampled without strata has only the overall
                level_where &= participant.stratum != Null
            queries.append(from_.select(
                    # Each answer is in one group of each level
                    (Min(answer.id) * len(LEVELS) + order).as_('id'),
                    participant.campaign.as_('campaign'),
                    answer.question.as_('question'),
                    question.type.as_('type'),
                    Literal(level).as_('level'),
                    Literal(order).as_('level_order'),
                    stratum.as_('stratum'),
                    manager.as_('account_manager'),
                    *question_columns(answer, question),
                    Literal(0).as_('create_uid'),
                    Min(answer.create_date).as_('create_date'),
                    Literal(0).as_('write_uid'),
                    Min(answer.write_date).as_('write_date'),
                    where=level_where,
                    group_by=group_by))
        return Union(*queries, all_=True)

    def get_mean(self, name):
        if self.count:
            return self.total / self.count

    def get_score(self, name):
        if not self.count:
            return None
        if name == 'csat' and self.type == 'rating':
            return 100 * self.positive / self.count
        if name == 'nps' and self.type == 'nps':
            return 100 * (self.positive - self.negative) / self.count
