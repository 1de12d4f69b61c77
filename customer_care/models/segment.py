# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Market segments: a named, saved description of a group of customers.

A customer belongs to a segment when it matches every criterion that is
filled (party categories, running contracts of services, countries, cities),
or when it is in the segment's explicit list. The members and the figures of
a segment are computed with SQL queries over all its customers at once.
"""
from sql import Literal, Null
from sql.aggregate import Count
from sql.conditionals import Case as SQLCase
from sql.functions import Lower, Trim

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .case import KINDS


class Segment(ModelSQL, ModelView):
    __name__ = 'customer_care.segment'
    __string__ = "Market Segment"

    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Company", required=True)
    description = fields.Text(
        "Description",
        help="Who the customers are, what they use, where they are and "
        "how their experience went.")
    categories = fields.Many2Many(
        'customer_care.segment-party.category', 'segment', 'category',
        "Categories",
        help="The customers in any of these categories.")
    services = fields.Many2Many(
        'customer_care.segment-sale.subscription.service', 'segment',
        'service', "Contracted Services",
        help="The customers with a running contract of any of these "
        "services.")
    countries = fields.Many2Many(
        'customer_care.segment-country.country', 'segment', 'country',
        "Countries",
        help="The customers with an address in any of these countries.")
    cities = fields.Char(
        "Cities",
        help="The customers with an address in any of these cities, "
        "separated by commas.")
    parties = fields.Many2Many(
        'customer_care.segment-party.party', 'segment', 'party',
        "Explicit Customers",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="Customers who belong to the segment whatever the criteria.")
    customers = fields.Function(
        fields.Many2Many(
            'party.party', None, None, "Customers",
            context={
                'company': Eval('company', -1),
                },
            depends={'company'}),
        'get_customers')
    customer_count = fields.Function(
        fields.Integer("Customers"), 'get_figures')
    petition_count = fields.Function(
        fields.Integer("Petitions"), 'get_figures')
    complaint_count = fields.Function(
        fields.Integer("Complaints"), 'get_figures')
    claim_count = fields.Function(
        fields.Integer("Claims"), 'get_figures')
    suggestion_count = fields.Function(
        fields.Integer("Suggestions"), 'get_figures')
    compliment_count = fields.Function(
        fields.Integer("Compliments"), 'get_figures')
    on_time_rate = fields.Function(
        fields.Float(
            "Answered on Time", digits=(1, 4),
            help="The share of the answered cases answered before their "
            "deadline."),
        'get_figures')
    satisfaction_rate = fields.Function(
        fields.Float(
            "Satisfaction", digits=(1, 4),
            help="The share of satisfied customers among the results "
            "available."),
        'get_figures')
    actions = fields.One2Many(
        'customer_care.improvement_action', 'segment', "Actions",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def customers_query(self):
        "Return the SQL query of the ids of the customers of the segment"
        pool = Pool()
        Party = pool.get('party.party')
        PartyCategory = pool.get('party.party-party.category')
        Address = pool.get('party.address')
        Subscription = pool.get('sale.subscription')
        SubscriptionLine = pool.get('sale.subscription.line')
        SegmentParty = pool.get('customer_care.segment-party.party')
        party = Party.__table__()

        criteria = []
        if self.categories:
            party_category = PartyCategory.__table__()
            criteria.append(party.id.in_(party_category.select(
                        party_category.party,
                        where=party_category.category.in_(
                            [c.id for c in self.categories]))))
        if self.services:
            subscription = Subscription.__table__()
            line = SubscriptionLine.__table__()
            criteria.append(party.id.in_(
                    subscription.join(
                        line, condition=line.subscription == subscription.id
                        ).select(
                        subscription.party,
                        where=(subscription.state == 'running')
                        & (subscription.company == self.company.id)
                        & line.service.in_([s.id for s in self.services]))))
        if self.countries:
            address = Address.__table__()
            criteria.append(party.id.in_(address.select(
                        address.party,
                        where=address.country.in_(
                            [c.id for c in self.countries])
                        & (address.active == Literal(True)))))
        cities = self.get_cities()
        if cities:
            address = Address.__table__()
            criteria.append(party.id.in_(address.select(
                        address.party,
                        where=Lower(Trim(address.city)).in_(cities)
                        & (address.active == Literal(True)))))
        segment_party = SegmentParty.__table__()
        where = party.id.in_(segment_party.select(
                segment_party.party,
                where=segment_party.segment == self.id))
        if criteria:
            matches = criteria[0]
            for criterion in criteria[1:]:
                matches &= criterion
            where |= matches
        return party.select(
            party.id, where=where & (party.active == Literal(True)))

    def get_cities(self):
        "Return the lower-case names of the cities of the segment"
        return sorted({c.strip().lower()
                for c in (self.cities or '').split(',') if c.strip()})

    @classmethod
    def get_customers(cls, segments, name):
        cursor = Transaction().connection.cursor()
        result = {}
        for segment in segments:
            cursor.execute(*segment.customers_query())
            result[segment.id] = [r for r, in cursor]
        return result

    @classmethod
    def get_figures(cls, segments, names):
        """Count the customers, their cases by kind, the share answered on
        time and the satisfaction, in one query per segment and figure."""
        pool = Pool()
        Case = pool.get('customer_care.case')
        cursor = Transaction().connection.cursor()
        result = {n: {} for n in names}
        satisfaction = cls.get_satisfaction(segments)
        for segment in segments:
            customers = segment.customers_query()
            if 'customer_count' in names:
                cursor.execute(*customers.select(Count()))
                result['customer_count'][segment.id] = cursor.fetchone()[0]
            case = Case.__table__()
            cursor.execute(*case.select(
                    case.kind,
                    Count(),
                    Count(SQLCase(
                            (case.answer_date != Null, Literal(1)))),
                    Count(SQLCase(
                            (case.on_time == Literal(True), Literal(1)))),
                    where=case.customer.in_(customers)
                    & (case.company == segment.company.id)
                    & (case.state != 'cancelled'),
                    group_by=[case.kind]))
            by_kind = {k: 0 for k, _ in KINDS}
            answered = on_time = 0
            for kind, count, kind_answered, kind_on_time in cursor:
                by_kind[kind] = count
                answered += kind_answered
                on_time += kind_on_time
            for kind in by_kind:
                if f'{kind}_count' in names:
                    result[f'{kind}_count'][segment.id] = by_kind[kind]
            if 'on_time_rate' in names:
                result['on_time_rate'][segment.id] = (
                    round(on_time / answered, 4) if answered else None)
            if 'satisfaction_rate' in names:
                rate = satisfaction.get(segment.id)
                result['satisfaction_rate'][segment.id] = (
                    round(rate, 4) if rate is not None else None)
        return result

    @classmethod
    def get_satisfaction(cls, segments):
        """Return the share of satisfied customers of each segment id.

        The share of the satisfaction checks of the segment's customers that
        reached them and found them satisfied, in one query per segment.
        Surveys may extend it with their results (computed over
        segment.customers_query()).
        """
        pool = Pool()
        Check = pool.get('customer_care.satisfaction.check')
        cursor = Transaction().connection.cursor()
        check = Check.__table__()
        result = {}
        for segment in segments:
            cursor.execute(*check.select(
                    Count(SQLCase(
                            (check.result == 'satisfied', Literal(1)))),
                    Count(),
                    where=check.customer.in_(segment.customers_query())
                    & (check.company == segment.company.id)
                    & (check.state == 'done')
                    & check.result.in_(['satisfied', 'not_satisfied'])))
            satisfied, reached = cursor.fetchone()
            result[segment.id] = satisfied / reached if reached else None
        return result


class Segment_Category(ModelSQL):
    __name__ = 'customer_care.segment-party.category'
    __string__ = "Market Segment - Party Category"

    segment = fields.Many2One(
        'customer_care.segment', "Segment", required=True, ondelete='CASCADE')
    category = fields.Many2One(
        'party.category', "Category", required=True, ondelete='CASCADE')


class Segment_Service(ModelSQL):
    __name__ = 'customer_care.segment-sale.subscription.service'
    __string__ = "Market Segment - Subscription Service"

    segment = fields.Many2One(
        'customer_care.segment', "Segment", required=True, ondelete='CASCADE')
    service = fields.Many2One(
        'sale.subscription.service', "Service", required=True,
        ondelete='CASCADE')


class Segment_Country(ModelSQL):
    __name__ = 'customer_care.segment-country.country'
    __string__ = "Market Segment - Country"

    segment = fields.Many2One(
        'customer_care.segment', "Segment", required=True, ondelete='CASCADE')
    country = fields.Many2One(
        'country.country', "Country", required=True, ondelete='CASCADE')


class Segment_Party(ModelSQL):
    __name__ = 'customer_care.segment-party.party'
    __string__ = "Market Segment - Party"

    segment = fields.Many2One(
        'customer_care.segment', "Segment", required=True, ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.party, Index.Equality())))
