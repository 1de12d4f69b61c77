# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The demo data (tests/demo.py, loaded by `make demo`) builds and covers
every kind and state of case, so that the demo can never silently break."""
import datetime as dt
from collections import Counter
from unittest.mock import patch
from urllib.parse import quote
from zoneinfo import ZoneInfo

from proteus import Model

from trytond.modules.customer_care.models.sampling import draw
from trytond.modules.customer_care.tests.demo import (
    ACTIONS, CASES, CHANGE_REQUESTS, CONTRACT_SLAS, CRONS, DEMO_REVIEWS,
    PASSWORDS, SEGMENTS, USERS, create_demo, summary)

KINDS = {'petition', 'complaint', 'claim', 'suggestion', 'compliment'}
STATES = {
    'draft', 'registered', 'analysis', 'assigned', 'waiting', 'answered',
    'closed', 'cancelled'}
ACTION_STATES = {
    'draft', 'waiting', 'approved', 'rejected', 'processing', 'done',
    'checked', 'cancelled'}

# The records of each model in the demo database, with the module's own data
# (the default terms and satisfaction rules): demo.py must not lose or add
# any by accident.  Update them when the demo changes on purpose.
DEMO_RECORDS = {
    'company.employee': 9,
    'customer_care.case': 56,
    'customer_care.case.information_request': 8,
    'customer_care.change_request': 3,
    'customer_care.holiday': 9,
    'customer_care.improvement_action': 11,
    'customer_care.improvement_action.line': 15,
    'customer_care.quality_attribute': 7,
    'customer_care.questionnaire': 1,
    'customer_care.questionnaire.choice': 6,
    'customer_care.questionnaire.question': 6,
    'customer_care.regulator_classification': 8,
    'customer_care.reminder': 28,
    'customer_care.routing.rule': 7,
    'customer_care.satisfaction.attempt': 8,
    'customer_care.satisfaction.check': 10,
    'customer_care.satisfaction.rule': 4,
    'customer_care.satisfaction.sample': 1,
    'customer_care.segment': 5,
    'customer_care.service_review': 5,
    'customer_care.service_review.commitment': 5,
    'customer_care.sla': 2,
    'customer_care.sla.target': 7,
    'customer_care.survey.answer': 69,
    'customer_care.survey.campaign': 2,
    'customer_care.survey.meeting': 1,
    'customer_care.survey.meeting.idea': 2,
    'customer_care.survey.participant': 23,
    'customer_care.team': 6,
    'customer_care.term': 8,
    'party.address': 24,
    'party.category': 9,
    'party.contact_mechanism': 48,
    'party.identifier': 9,
    'party.party': 24,
    'product.product': 11,
    'product.template': 11,
    'res.user': 10,
    'sale.subscription': 7,
    'sale.subscription.line': 10,
    'sale.subscription.recurrence.rule.set': 2,
    'sale.subscription.service': 5,
    }


def test_demo():
    "Load the demo data in a new database and check what it covers"
    from trytond import security
    from trytond.tests.test_tryton import DB_NAME
    from trytond.tests.tools import activate_modules

    config = activate_modules('customer_care')
    # E-mails are captured, not sent
    with patch('trytond.modules.customer_care.models.notify'
            '.send_message_transactional') as send:
        create_demo(config, load_translations=False)
    assert send.called

    # The same records as ever (inactive ones too: the root user)
    context = {**config.context, 'active_test': False}
    assert {name: Model.get(name)._proxy.search_count([], 0, None, context)
        for name in DEMO_RECORDS} == DEMO_RECORDS

    Case = Model.get('customer_care.case')
    Request = Model.get('customer_care.case.information_request')
    Reminder = Model.get('customer_care.reminder')
    Notification = Model.get('res.notification')
    Subscription = Model.get('sale.subscription')
    User = Model.get('res.user')

    # Besides the cases raised in a service review
    cases = Case.find([('origin', '=', None)])
    assert len(cases) == len(CASES)
    for spec in CASES:
        case, = [c for c in cases if c.subject == spec['subject']]
        assert case.state == spec['state'], (case.subject, case.state)

    # Every kind in several states, every state
    assert {c.kind for c in cases} == KINDS
    assert {c.state for c in cases} == STATES
    states_by_kind = {
        k: {c.state for c in cases if c.kind == k} for k in KINDS}
    assert all(len(s) >= 3 for s in states_by_kind.values()), states_by_kind

    # Due statuses: overdue, due soon and on track open cases
    statuses = Counter(c.due_status for c in cases if c.due_status)
    assert statuses['overdue'] >= 3, statuses
    assert statuses['due_soon'] >= 2, statuses
    assert statuses['on_track'] >= 5, statuses
    assert all(c.days_remaining < 0 for c in cases
        if c.due_status == 'overdue')

    # The workflow was driven by the users: an employee on each step
    for case in cases:
        if case.state not in {'draft', 'cancelled'}:
            assert case.registered_by
        if case.state in {'answered', 'closed'} and case.kind != 'compliment':
            assert case.answered_by and case.answer and case.answer_date
            assert case.answer_date >= case.received
        if case.state == 'closed':
            assert case.closed_by and case.closed_date
    assert any(c.registered_by.party.name == USERS['comercial1'][0]
        for c in cases if c.registered_by)
    assert any(c.on_time for c in cases if c.state == 'closed')
    # SQLite gives Booleans back as 0/1
    assert any(not c.on_time
        for c in cases if c.state == 'closed' and c.kind != 'compliment')

    # The special cases of the demo
    extended = [c for c in cases if c.extension_duration]
    assert len(extended) == 1
    assert extended[0].due_date > extended[0].initial_due_date
    emergencies = [c for c in cases if c.priority == 'emergency']
    assert {c.emergency for c in emergencies} == {
        'safety', 'health', 'environment'}
    assert all(c.term_unit == 'hour' for c in emergencies)
    assert any(c.routing_rule and c.routing_rule.keywords
        for c in emergencies)
    regulator = [c for c in cases if c.channel == 'regulator']
    assert regulator and all(c.regulator_reference for c in regulator)
    assert all(c.team.name.startswith("Jurídica") for c in regulator)
    assert {c.state for c in regulator} >= {'registered', 'closed'}
    compliments = [c for c in cases
        if c.kind == 'compliment' and c.state == 'closed']
    assert compliments and all(not c.answer for c in compliments)
    subsidies = [c for c in cases if c.team and c.team.name.startswith(
                "Subsidios")]
    assert subsidies
    assert any(c.contract for c in cases)

    # Information requests requested (some overdue), answered, cancelled
    requests = Request.find([])
    assert {r.state for r in requests} == {
        'requested', 'answered', 'cancelled'}
    today = dt.datetime.now(ZoneInfo('America/Bogota')).date()
    assert any(r.state == 'requested' and r.due_date < today
        for r in requests)

    # The reminders ran once
    assert Reminder.find([('kind', '=', 'reminder')])
    assert Reminder.find([('kind', '=', 'escalation')])
    assert Notification.find([])

    # The scheduler runs the module's actions for the demo company: a
    # scheduled action without companies does nothing
    Cron = Model.get('ir.cron')
    crons = Cron.find([('method', 'in', CRONS)])
    assert len(crons) == len(CRONS)
    assert all(len(c.companies) == 1 for c in crons)

    # Satisfaction checks in every state and with every result
    Check = Model.get('customer_care.satisfaction.check')
    Sample = Model.get('customer_care.satisfaction.sample')
    checks = Check.find([])
    assert {c.state for c in checks} == {'pending', 'done', 'cancelled'}
    assert {c.result for c in checks if c.state == 'done'} == {
        'satisfied', 'not_satisfied', 'not_contacted', 'not_verified'}
    for check in checks:
        if check.state == 'done' and check.result != 'not_satisfied':
            assert check.case.state == 'closed', check.case.subject
        if check.result == 'not_contacted':
            assert len(check.attempts) == 3 and check.contact_days == 3
        if check.state == 'pending':
            assert check.case.state == 'answered'
    assert any(c.follow_up == 'closed' and c.case.state == 'closed'
        for c in checks)
    assert any(c.result == 'not_satisfied' and not c.follow_up
        and c.case.state == 'answered' for c in checks)
    assert any(c.state == 'pending' and c.attempts for c in checks)
    assert any(c.state == 'pending' and not c.attempts for c in checks)
    assert all(c.customer == c.case.customer and c.phones for c in checks
        if c.state == 'pending')
    # Only complaints and claims, never the regulator's
    assert {c.case.kind for c in checks} <= {'complaint', 'claim'}
    assert all(c.case.channel != 'regulator' for c in checks)
    # The subsidy claims are sampled, reproducibly
    samples = Sample.find([])
    assert samples
    assert sum(len(s.checks) for s in samples) >= 1
    for sample in samples:
        assert len(sample.checks) == min(sample.size, sample.population_size)
        assert sorted(c.case.id for c in sample.checks) == draw(
            [int(i) for i in sample.population.split()], sample.size,
            sample.seed)
    assert all(c.regulator_uploaded_on for c in regulator
        if c.state == 'closed')

    # Contracts in draft, quotation and running states
    assert {s.state for s in Subscription.find([])} == {
        'draft', 'quotation', 'running'}

    # Improvement actions in every state, driven by their users
    Action = Model.get('customer_care.improvement_action')
    Segment = Model.get('customer_care.segment')
    # The action of a survey meeting's idea is checked with the surveys
    actions = [a for a in Action.find([('parent', '=', None)])
        if not a.origin or a.origin.__class__.__name__
        != 'customer_care.survey.meeting.idea']
    assert len(actions) == len(ACTIONS)
    follow_ups = Action.find([('parent', '!=', None)])
    assert {a.state for a in actions + follow_ups} == ACTION_STATES
    assert {a.kind for a in actions} == {
        'corrective', 'preventive', 'improvement', 'loyalty'}
    assert {a.effectiveness for a in actions if a.state == 'checked'} == {
        'effective', 'not_effective'}
    follow_up, = follow_ups
    assert follow_up.state == 'draft'
    assert follow_up.parent.effectiveness == 'not_effective'
    assert follow_up.origin == follow_up.parent.origin
    assert all(a.origin and a.origin.__class__.__name__
        == 'customer_care.case' and a.customers for a in actions
        if a.kind != 'loyalty' and a.state != 'cancelled'
        and a.title.startswith('PQRS'))
    for action in actions:
        if action.state in {'approved', 'processing', 'done', 'checked'}:
            assert action.approved_by and action.submitted_by
        if action.state in {'done', 'checked'}:
            assert action.done_by and action.closed
            assert all(l.state != 'to_do' for l in action.lines)
        if action.state == 'checked':
            assert action.checked_by
    assert any(a.approval_justification for a in actions)
    loyalty = [a for a in actions if a.kind == 'loyalty']
    assert loyalty and all(a.segment for a in loyalty)
    assert Reminder.find([('record_model', '=', 'customer_care.improvement_action.line')])

    # Segments: counted, listed, with their figures
    segments = Segment.find([])
    assert len(segments) == len(SEGMENTS)
    by_name = {s.name: s for s in segments}
    industrial = by_name[SEGMENTS[0][1]]
    assert {c.name for c in industrial.customers} == {
        "Textiles del Atlántico S.A.", "Cerámicas San Lorenzo S.A.S."}
    assert industrial.customer_count == 2
    everybody = by_name["Todos los clientes en Colombia"]
    assert everybody.customer_count >= 14
    assert everybody.complaint_count + everybody.claim_count > 10
    assert 0 < everybody.on_time_rate < 1
    allies = by_name["Aliados estratégicos"]
    assert [c.name for c in allies.customers] == [
        "Constructora Alianza Caribe S.A.S."]

    # The users of each role log in with the documented password and see
    # the cases their role allows
    assert len(USERS) >= 5
    for login, password in PASSWORDS.items():
        assert security.login(
            DB_NAME, login, {'password': password}, cache=False), login
    for login in ['comercial1', 'comercial2']:
        user, = User.find([('login', '=', login)])
        config.user = user.id
        config._context = User.get_preferences(True, {})
        visible = Case.find([])
        assert visible
        assert all(c.customer.account_manager
            and c.customer.account_manager.id == user.id for c in visible)
        # Account managers read the actions of their customers only
        for action in Action.find([]):
            assert any(c.account_manager and c.account_manager.id == user.id
                for c in action.customers), action.title
    comercial1, = User.find([('login', '=', 'comercial1')])
    config.user = comercial1.id
    config._context = User.get_preferences(True, {})
    assert Action.find([])
    agent, = User.find([('login', '=', 'agente')])
    config.user = agent.id
    config._context = User.get_preferences(True, {})
    visible = Case.find([])
    assert len(visible) == len(CASES) + 1  # the one raised in a review
    # Cases show their contract's name: agents may read contracts
    assert all(c.contract.rec_name for c in visible if c.contract)

    # Satisfaction surveys: a reported campaign with answers, a results
    # meeting whose idea became an action, and a running campaign (read as
    # the administrator: proteus reads every field, and the campaigns' raw
    # domain and seed are the administrator's)
    config.user = 1
    config._context = User.get_preferences(True, {})
    Campaign = Model.get('customer_care.survey.campaign')
    Participant = Model.get('customer_care.survey.participant')
    reported, = Campaign.find([('state', '=', 'reported')])
    running, = Campaign.find([('state', '=', 'running')])
    assert reported.answered and reported.csat is not None
    assert reported.nps is not None and reported.satisfied_share is not None
    assert any(i.action for m in reported.meetings for i in m.ideas)
    assert running.answered and running.answered < running.sample_size
    assert running.previous == reported
    # The survey links lead to the demo server
    Configuration = Model.get('customer_care.configuration')
    base = Configuration(1).web_base_url
    assert base.startswith('http://') and base.endswith('/'), base
    Email = Model.get('ir.email')
    links = Email.find([
            ('resource', 'like', 'customer_care.survey.participant,%')])
    assert links and all(
        f'{base}{quote(config.database_name)}/customer_care/survey/'
        in e.body
        for e in links)
    assert not any(p.party.categories and any(
                c.name == "Aliado estratégico" for c in p.party.categories)
        for p in reported.participants)
    comercial2, = User.find([('login', '=', 'comercial2')])
    config.user = comercial2.id
    config._context = User.get_preferences(True, {})
    mine = Participant.find([])
    assert mine and all(
        p.account_manager and p.account_manager.id == comercial2.id
        for p in mine)
    config.user = 1
    config._context = User.get_preferences(True, {})
    assert summary(config)

    # Contracts with SLAs, past and upcoming reviews, commitments met and
    # overdue, a case raised in a review and change requests
    Review = Model.get('customer_care.service_review')
    Commitment = Model.get('customer_care.service_review.commitment')
    ChangeRequest = Model.get('customer_care.change_request')
    contracts = Subscription.find([('sla', '!=', None)])
    assert len(contracts) == len(CONTRACT_SLAS)
    reviews = Review.find([])
    assert {r.state for r in reviews} == {'held', 'scheduled'}
    assert len([r for r in reviews if r.state == 'held']) == len(DEMO_REVIEWS)
    assert all(r.sla_compliance is not None or not r.sla_cases
        for r in reviews if r.state == 'held')
    today = dt.date.today()
    # The scheduled action created the reviews of the next 30 days, once
    scheduled = [r for r in reviews if r.state == 'scheduled']
    assert len(scheduled) == len(
        [v for v in CONTRACT_SLAS.values() if v[3] <= 30])
    assert all(r.date > today for r in scheduled)
    commitments = Commitment.find([])
    assert {c.state for c in commitments} == {'open', 'met'}
    assert any(c.state == 'open' and c.due_date < today for c in commitments)
    raised, = Case.find([('origin', '!=', None)])
    assert raised.origin.__class__.__name__ == 'customer_care.service_review'
    assert sorted(r.state for r in ChangeRequest.find([])) == sorted(
        state for *_, state in CHANGE_REQUESTS)
