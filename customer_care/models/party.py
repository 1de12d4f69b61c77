# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from sql import Column, Literal
from sql.aggregate import Count, Min
from sql.conditionals import Case as SQLCase

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.party.exceptions import EraseError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import (
    Transaction, check_access, without_check_access)

from .case import OPEN_STATES
from .change_request import PENDING_STATES
from .exceptions import PartyReplaceError
from .inbound_email import like_escape
from .requirement import OPEN_STATES as REQUIREMENT_OPEN_STATES
from .service_review import UPCOMING_STATES


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
        'customer_care.improvement_action-party.party', 'party', 'action',
        "Improvement Actions", readonly=True)
    care_contracts = fields.One2Many(
        'sale.subscription', 'party', "Contracts", readonly=True)
    care_requirements = fields.One2Many(
        'customer_care.requirement', 'customer', "Requirements",
        readonly=True,
        help="The requirements and expectations of the customer.")
    care_next_review = fields.Function(
        fields.Date("Next Review"), 'get_care_contract_figures')
    care_open_commitments = fields.Function(
        fields.Integer("Open Commitments"), 'get_care_contract_figures')
    care_pending_change_requests = fields.Function(
        fields.Integer("Pending Change Requests"),
        'get_care_contract_figures')
    care_open_cases = fields.Function(
        fields.Integer("Open Cases"), 'get_care_case_counts')
    care_overdue_cases = fields.Function(
        fields.Integer("Overdue Cases"), 'get_care_case_counts')
    created_from_email = fields.Boolean(
        "Created from E-mail", readonly=True,
        help="Made by the e-mail gateway for an unknown sender: confirm it, "
        "or merge it into the existing customer with Replace.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'new_care_case': {
                    'icon': 'tryton-add',
                    },
                'confirm_from_email': {
                    'invisible': ~Eval('created_from_email'),
                    'icon': 'tryton-ok',
                    'depends': ['created_from_email'],
                    },
                })

    @classmethod
    def default_created_from_email(cls):
        return False

    @classmethod
    @ModelView.button
    def confirm_from_email(cls, parties):
        cls.write(parties, {'created_from_email': False})

    @classmethod
    def care_parties_of_email(cls, address):
        """Return the active parties with the e-mail address (whatever its
        case) as a contact mechanism, in the order they were created"""
        pool = Pool()
        ContactMechanism = pool.get('party.contact_mechanism')
        # Replace deactivates the contact mechanisms it moves to the party
        # that replaces: they still name its owner
        with Transaction().set_context(active_test=False):
            mechanisms = ContactMechanism.search([
                    ('type', '=', 'email'),
                    ('value', 'ilike', like_escape(address.strip())),
                    ('party.active', '=', True),
                    ])
        return sorted({m.party for m in mechanisms}, key=lambda p: p.id)

    @classmethod
    def create_from_email(cls, name, address):
        """Create the party of an unknown sender, named after the display
        name of the message (else its address), marked as created from
        e-mail"""
        pool = Pool()
        ContactMechanism = pool.get('party.contact_mechanism')
        party = cls(
            name=(name or address)[:250],
            created_from_email=True,
            contact_mechanisms=[
                ContactMechanism(type='email', value=address)])
        party.save()
        return party

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
    def get_care_contract_figures(cls, parties, names):
        """Return the next review, the open commitments and the pending
        change requests of the parties' contracts, one query each, counting
        only the records the user may read"""
        pool = Pool()
        Contract = pool.get('sale.subscription')
        Review = pool.get('customer_care.service_review')
        Commitment = pool.get('customer_care.service_review.commitment')
        Request = pool.get('customer_care.change_request')
        ModelAccess = pool.get('ir.model.access')
        cursor = Transaction().connection.cursor()
        contract = Contract.__table__()
        review = Review.__table__()
        commitment = Commitment.__table__()
        request = Request.__table__()
        result = {n: {p.id: None for p in parties} for n in names}
        for name in {'care_open_commitments', 'care_pending_change_requests'}:
            if name in result:
                result[name] = {p.id: 0 for p in parties}
        figures = {
            'care_next_review': (Review, [('state', 'in', UPCOMING_STATES)],
                lambda readable, where: review.join(contract,
                    condition=review.contract == contract.id).select(
                    contract.party, Min(review.date),
                    where=where & review.id.in_(readable),
                    group_by=[contract.party])),
            'care_open_commitments': (Commitment, [('state', '=', 'open')],
                lambda readable, where: commitment.join(review,
                    condition=commitment.review == review.id).join(contract,
                    condition=review.contract == contract.id).select(
                    contract.party, Count(commitment.id),
                    where=where & commitment.id.in_(readable),
                    group_by=[contract.party])),
            'care_pending_change_requests': (Request,
                [('state', 'in', PENDING_STATES)],
                lambda readable, where: request.join(contract,
                    condition=request.contract == contract.id).select(
                    contract.party, Count(request.id),
                    where=where & request.id.in_(readable),
                    group_by=[contract.party])),
            }
        for name, (Model, domain, query) in figures.items():
            if name not in result:
                continue
            with check_access():
                if not ModelAccess.check(
                        Model.__name__, 'read', raise_exception=False):
                    continue
                readable = Model.search(domain, order=[], query=True)
            for sub_ids in grouped_slice(
                    [p.id for p in parties], backend.MAX_QUERY_PARAMS):
                cursor.execute(*query(
                        readable, contract.party.in_(list(sub_ids))))
                for party_id, value in cursor:
                    if isinstance(value, str):
                        # SQLite returns the minimum of dates as text
                        value = dt.date.fromisoformat(value)
                    result[name][party_id] = value
        return result

    @classmethod
    @ModelView.button_action('customer_care.act_case_new_party')
    def new_care_case(cls, parties):
        pass

    @classmethod
    def copy(cls, parties, default=None):
        pool = Pool()
        FieldAccess = pool.get('ir.model.field.access')
        default = default.copy() if default is not None else {}
        if not FieldAccess.check(
                cls.__name__, ['account_manager'], 'write',
                raise_exception=False):
            # Only the administrators assign account managers
            default.setdefault('account_manager', None)
        default.setdefault('care_cases', None)
        default.setdefault('care_satisfaction_checks', None)
        default.setdefault('care_actions', None)
        default.setdefault('care_contracts', None)
        default.setdefault('care_requirements', None)
        default.setdefault('created_from_email', False)
        return super().copy(parties, default=default)


class PartySurvey(metaclass=PoolMeta):
    "The customer's satisfaction surveys"
    __name__ = 'party.party'

    survey_participations = fields.One2Many(
        'customer_care.survey.participant', 'party', "Survey Campaigns",
        help="The campaigns the customer was sampled in: open one to "
        "record the answers.")
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


class Replace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        return super().fields_to_replace() + [
            ('customer_care.case', 'customer'),
            ('customer_care.case', 'forwarded_to'),
            ('customer_care.satisfaction.check', 'customer'),
            ('customer_care.survey.participant', 'party'),
            ('customer_care.change_request', 'requested_by'),
            ('customer_care.improvement_action-party.party', 'party'),
            ('customer_care.segment-party.party', 'party'),
            ('customer_care.service_review-party.party', 'party'),
            ('customer_care.survey.campaign-excluded-party.party', 'party'),
            ('customer_care.case-party.party', 'party'),
            ('customer_care.requirement', 'customer'),
            ]

    @classmethod
    def care_relations_to_merge(cls):
        """Return the relation tables to party.party, each as (model name,
        party field, other field): a row of the replaced party is dropped
        where the other record is already linked to the destination"""
        return [
            ('customer_care.improvement_action-party.party', 'party',
                'action'),
            ('customer_care.segment-party.party', 'party', 'segment'),
            ('customer_care.service_review-party.party', 'party', 'review'),
            ('customer_care.survey.campaign-excluded-party.party', 'party',
                'campaign'),
            ('customer_care.case-party.party', 'party', 'case'),
            ]

    def transition_replace(self):
        self.check_care_replace()
        self.merge_care_relations()
        return super().transition_replace()

    def check_care_replace(self):
        "Refuse to merge two parties sampled in the same survey campaign"
        pool = Pool()
        Participant = pool.get('customer_care.survey.participant')
        source, destination = self.ask.source, self.ask.destination
        with without_check_access():
            participants = Participant.search([
                    ('party', '=', source.id),
                    ('campaign.participants.party', '=', destination.id),
                    ], limit=1)
        if participants:
            participant, = participants
            raise PartyReplaceError(gettext(
                    'customer_care.msg_party_replace_survey_participant',
                    source=source.rec_name,
                    destination=destination.rec_name,
                    campaign=participant.campaign.rec_name))

    def merge_care_relations(self):
        "Drop the links of the source the destination already has"
        pool = Pool()
        cursor = Transaction().connection.cursor()
        source, destination = self.ask.source, self.ask.destination
        for model_name, party_field, other_field in (
                self.care_relations_to_merge()):
            Model = pool.get(model_name)
            table = Model.__table__()
            linked = Model.__table__()
            party = Column(table, party_field)
            cursor.execute(*table.delete(
                    where=(party == source.id)
                    & Column(table, other_field).in_(linked.select(
                            Column(linked, other_field),
                            where=Column(linked, party_field)
                            == destination.id))))


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def check_erase_company(self, party, company):
        pool = Pool()
        Case = pool.get('customer_care.case')
        Participant = pool.get('customer_care.survey.participant')
        ChangeRequest = pool.get('customer_care.change_request')
        Review = pool.get('customer_care.service_review')
        Requirement = pool.get('customer_care.requirement')
        super().check_erase_company(party, company)

        # Whoever erases must see every record of the party, whatever
        # their access to customer care
        with without_check_access():
            cases = Case.search([
                    ('customer', '=', party.id),
                    ('company', '=', company.id),
                    ('state', 'not in', ['closed', 'cancelled', 'forwarded']),
                    ], limit=1)
            participants = Participant.search([
                    ('party', '=', party.id),
                    ('company', '=', company.id),
                    ('state', '=', 'pending'),
                    ('campaign.state', 'in', ['sampled', 'running']),
                    ], limit=1)
            requests = ChangeRequest.search([
                    ('requested_by', '=', party.id),
                    ('company', '=', company.id),
                    ('state', 'in', PENDING_STATES),
                    ], limit=1)
            reviews = Review.search([
                    ('attendee_contacts', '=', party.id),
                    ('company', '=', company.id),
                    ('state', 'in', UPCOMING_STATES),
                    ], limit=1)
            requirements = Requirement.search([
                    ('customer', '=', party.id),
                    ('company', '=', company.id),
                    ('state', 'in', REQUIREMENT_OPEN_STATES),
                    ], limit=1)
        for records, message in [
                (cases, 'customer_care.msg_erase_party_open_case'),
                (participants,
                    'customer_care.msg_erase_party_pending_survey'),
                (requests,
                    'customer_care.msg_erase_party_pending_change_request'),
                (reviews,
                    'customer_care.msg_erase_party_upcoming_service_review'),
                (requirements,
                    'customer_care.msg_erase_party_open_requirement'),
                ]:
            if records:
                record, = records
                raise EraseError(gettext(message,
                        party=party.rec_name,
                        company=company.rec_name,
                        record=record.rec_name))

    def to_erase(self, party_id):
        """Clear the personal data copied from the party: the contact of its
        cases (and the cases' attachments and notes), the notes of the
        satisfaction calls and of the surveys, the text answers"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Check = pool.get('customer_care.satisfaction.check')
        Attempt = pool.get('customer_care.satisfaction.attempt')
        Participant = pool.get('customer_care.survey.participant')
        Answer = pool.get('customer_care.survey.answer')
        return super().to_erase(party_id) + [
            (Case, [('customer', '=', party_id)], True,
                ['contact_name', 'contact_email', 'contact_phone',
                    'contact_phone_compact'],
                [None] * 4),
            # The address the case was forwarded to, when the party was
            # the competent organisation
            (Case, [('forwarded_to', '=', party_id)], False,
                ['forwarded_email'],
                [None]),
            (Check, [('customer', '=', party_id)], False,
                ['call_notes'],
                [None]),
            (Attempt, [('check.customer', '=', party_id)], False,
                ['notes'],
                [None]),
            (Participant, [('party', '=', party_id)], False,
                ['notes'],
                [None]),
            (Answer, [('participant.party', '=', party_id)], False,
                ['text'],
                [None]),
            ]
