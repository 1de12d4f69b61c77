# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from sql import Literal
from sql.aggregate import Count
from sql.conditionals import Case as SQLCase

from trytond import backend
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, check_access

from .case import OPEN_STATES


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    account_manager = fields.Many2One(
        'res.user', "Account Manager",
        help="The user who owns the relationship with the customer.")
    care_cases = fields.One2Many(
        'customer_care.case', 'customer', "Cases", readonly=True)
    care_satisfaction_checks = fields.One2Many(
        'customer_care.satisfaction.check', 'customer',
        "Satisfaction Checks", readonly=True)
    care_actions = fields.Many2Many(
        'customer_care.action-party.party', 'party', 'action',
        "Improvement Actions", readonly=True)
    care_open_cases = fields.Function(
        fields.Integer("Open Cases"), 'get_care_case_counts')
    care_overdue_cases = fields.Function(
        fields.Integer("Overdue Cases"), 'get_care_case_counts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'new_care_case': {
                    'icon': 'tryton-add',
                    },
                })

    @classmethod
    def get_care_case_counts(cls, parties, names):
        "Count the open and overdue cases of the parties in one query each"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Date = pool.get('ir.date')
        ModelAccess = pool.get('ir.model.access')
        Rule = pool.get('ir.rule')
        case = Case.__table__()
        cursor = Transaction().connection.cursor()
        today = Date.today()
        result = {n: {p.id: 0 for p in parties} for n in names}
        company = Transaction().context.get('company')
        # Count only the cases the user may read: function fields are
        # computed without access check, so apply the access and the record
        # rules of the user explicitly
        with check_access():
            if not ModelAccess.check(
                    Case.__name__, 'read', raise_exception=False):
                return result
            domain = Rule.domain_get(Case.__name__, mode='read')
        readable = Case.search(domain, order=[], query=True)
        for sub_ids in grouped_slice(
                [p.id for p in parties], backend.MAX_QUERY_PARAMS):
            where = (reduce_ids(case.customer, sub_ids)
                & case.state.in_(OPEN_STATES)
                & case.id.in_(readable))
            if company:
                where &= case.company == company
            cursor.execute(*case.select(
                    case.customer,
                    Count(),
                    Count(SQLCase((case.due_date < today, Literal(1)))),
                    where=where,
                    group_by=[case.customer]))
            for party_id, open_, overdue in cursor:
                if 'care_open_cases' in result:
                    result['care_open_cases'][party_id] = open_
                if 'care_overdue_cases' in result:
                    result['care_overdue_cases'][party_id] = overdue
        return result

    @classmethod
    @ModelView.button_action('customer_care.act_case_new_party')
    def new_care_case(cls, parties):
        pass

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('care_cases', None)
        default.setdefault('care_satisfaction_checks', None)
        default.setdefault('care_actions', None)
        return super().copy(parties, default=default)


class PartySurvey(metaclass=PoolMeta):
    "The customer's satisfaction surveys"
    __name__ = 'party.party'

    survey_participations = fields.One2Many(
        'customer_care.survey.participant', 'party', "Survey Campaigns",
        readonly=True)
    survey_answers = fields.Function(
        fields.Many2Many(
            'customer_care.survey.answer', None, None, "Survey Answers",
            readonly=True),
        'get_survey_answers')
    survey_last_csat = fields.Function(
        fields.Float(
            "Last Rating", digits=(16, 1),
            help="The mean rating (1 to 5) of the last survey answered."),
        'get_survey_last')
    survey_last_nps = fields.Function(
        fields.Integer(
            "Last Recommendation",
            help="The recommendation score (0 to 10) of the last survey "
            "answered."),
        'get_survey_last')

    @classmethod
    def get_survey_answers(cls, parties, name):
        pool = Pool()
        Answer = pool.get('customer_care.survey.answer')
        result = {p.id: [] for p in parties}
        for answer in Answer.search([
                    ('participant.party', 'in', [p.id for p in parties]),
                    ('participant.state', '=', 'answered'),
                    ], order=[('participant', 'DESC'), ('id', 'ASC')]):
            result[answer.participant.party.id].append(answer.id)
        return result

    @classmethod
    def get_survey_last(cls, parties, names):
        pool = Pool()
        Participant = pool.get('customer_care.survey.participant')
        result = {n: {p.id: None for p in parties} for n in names}
        last = {}
        for participant in Participant.search([
                    ('party', 'in', [p.id for p in parties]),
                    ('state', '=', 'answered'),
                    ], order=[('answer_date', 'ASC'), ('id', 'ASC')]):
            last[participant.party.id] = participant
        for party_id, participant in last.items():
            if 'survey_last_csat' in result:
                result['survey_last_csat'][party_id] = participant.csat
            if 'survey_last_nps' in result:
                result['survey_last_nps'][party_id] = participant.nps
        return result

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('survey_participations', None)
        return super().copy(parties, default=default)
