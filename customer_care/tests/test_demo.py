# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The demo data (tests/demo.py, loaded by `make demo`) builds and covers
every kind and state of case, so that the demo can never silently break."""
import datetime as dt
import io
from collections import Counter
from unittest.mock import patch
from urllib.parse import quote
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from proteus import Model, Report, Wizard

from trytond.modules.customer_care.models.sampling import draw
from trytond.modules.customer_care.tests.demo import (
    ACTIONS, CASES, CHANGE_REQUESTS, CONTRACT_SLAS, CRONS, DEMO_REVIEWS,
    HISTORY, HISTORY_ACTION_TITLE, HISTORY_ACTIONS, HISTORY_SLA,
    HISTORY_SLA_SUBJECT, HISTORY_SUBJECTS, PASSWORDS, REGULATOR_LAYOUT_CODES,
    REGULATOR_LAYOUT_COLUMNS, SEGMENTS,
    SUGGESTION_BOXES, USERS, WEB_FORM_CASES, create_demo, summary)

KINDS = {'petition', 'complaint', 'claim', 'suggestion', 'compliment'}
STATES = {
    'draft', 'registered', 'analysis', 'assigned', 'waiting', 'customer',
    'forwarding', 'forwarded', 'answered', 'closed', 'cancelled'}
ACTION_STATES = {
    'draft', 'waiting', 'approved', 'rejected', 'processing', 'done',
    'checked', 'cancelled'}

# The records of each model in the demo database, with the module's own data
# (the default terms and satisfaction rules): demo.py must not lose or add
# any by accident.  Update them when the demo changes on purpose.
# The closed cases of the past quarters and their checks (one call each)
HISTORY_CASES = sum(count for _, count, *_ in HISTORY)
HISTORY_CHECKS = sum(verified for *_, verified, _ in HISTORY)
# The closed cases of the contracts and the checked actions of those quarters
HISTORY_SLA_CASES = sum(len(cases) for _, cases in HISTORY_SLA)
HISTORY_ACTION_COUNT = sum(len(results) for _, results in HISTORY_ACTIONS)
DEMO_RECORDS = {
    'company.employee': 9,
    'customer_care.case': 68 + HISTORY_CASES + HISTORY_SLA_CASES,
    'customer_care.configuration.web_form': 1,
    'customer_care.case.information_request': 8,
    'customer_care.case.suspension': 2,
    'customer_care.change_request': 3,
    'customer_care.holiday': 9,
    'customer_care.improvement_action': 11 + HISTORY_ACTION_COUNT,
    'customer_care.indicator': 17,
    'customer_care.indicator.snapshot': 68,
    'customer_care.management_review': 1,
    'customer_care.improvement_action.line': 15,
    'customer_care.quality_attribute': 7,
    'customer_care.questionnaire': 1,
    'customer_care.questionnaire.choice': 6,
    'customer_care.questionnaire.question': 6,
    'customer_care.regulator.layout': 1,
    'customer_care.regulator.layout.code': 16,
    'customer_care.regulator.layout.column': 18,
    'customer_care.regulator_classification': 8,
    'customer_care.reminder': 32,
    'customer_care.requirement': 6,
    'customer_care.routing.rule': 7,
    'customer_care.satisfaction.attempt': 8 + HISTORY_CHECKS,
    'customer_care.satisfaction.check': 10 + HISTORY_CHECKS,
    'customer_care.satisfaction.rule': 4,
    'customer_care.satisfaction.sample': 1,
    'customer_care.segment': 5,
    'customer_care.service_review': 5,
    'customer_care.service_review.commitment': 5,
    'customer_care.sla': 2,
    'customer_care.sla.target': 7,
    'customer_care.suggestion_box': 2,
    'customer_care.suggestion_box.round': 2,
    'customer_care.survey.answer': 69,
    'customer_care.survey.campaign': 2,
    'customer_care.survey.meeting': 1,
    'customer_care.survey.meeting.idea': 2,
    'customer_care.survey.participant': 23,
    'customer_care.team': 6,
    'customer_care.term': 8,
    'party.address': 26,
    'party.category': 9,
    'party.contact_mechanism': 54,
    'party.identifier': 13,
    'party.party': 28,
    'product.product': 11,
    'product.template': 11,
    'res.user': 11,
    'sale.subscription': 7,
    'sale.subscription.line': 10,
    'sale.subscription.recurrence.rule.set': 2,
    'sale.subscription.service': 5,
    }

BOX_FORMS = sum(len(forms) for _, _, _, rounds in SUGGESTION_BOXES
    for _, _, _, _, forms in rounds)


def period_end(start):
    "Return the last day of the quarter that starts on start"
    month = start.month + 3
    return dt.date(start.year + (month > 12), (month - 1) % 12 + 1, 1
        ) - dt.timedelta(days=1)


def local_date(datetime_):
    "Return the day in Bogotá of the naive UTC datetime_"
    return datetime_.replace(tzinfo=dt.timezone.utc).astimezone(
        ZoneInfo('America/Bogota')).date()


def test_demo():
    """Load the demo data in a new database and check what it covers; the
    database is dropped after, as the scenarios' is: the next test module
    restores its own"""
    from trytond.tests.test_tryton import drop_db
    try:
        check_demo()
    finally:
        drop_db()


def check_demo():
    from trytond import security
    from trytond.tests.test_tryton import DB_NAME
    from trytond.tests.tools import activate_modules

    config = activate_modules('customer_care')
    # E-mails are captured, not sent
    with patch('trytond.modules.customer_care.models.notify'
            '.send_message_transactional') as send:
        create_demo(config, load_translations=False)
    assert send.called

    # The indicators' four past quarters: the cases and checks of HISTORY
    # fill them (below), the other records are of the last months; the red
    # values
    # (one on 1 December 2026: the CCT of the third quarter) depend on the
    # day the demo is built, each with its draft improvement action for
    # the coordinator
    Snapshot = Model.get('customer_care.indicator.snapshot')
    snapshots = Snapshot.find([])
    assert len({s.period_start for s in snapshots}) == 4
    assert {s.colour for s in snapshots} >= {'green', 'no_data'}
    reds = [s for s in snapshots if s.colour == 'red']
    assert reds
    for red in reds:
        action, = Model.get('customer_care.improvement_action').find([
                ('origin', '=',
                    f'customer_care.indicator.snapshot,{red.id}')])
        assert action.state == 'draft'
        assert action.responsible.login == 'coordinador'

    # The cases of the four quarters: closed, numbered before the recent
    # ones, each quarter's received in it, the late ones not on time, the
    # complaints and claims called; so the indicators of the cases and the
    # checks have a value in each of the four quarters
    Case = Model.get('customer_care.case')
    history = Case.find(
        [('subject', 'in', list(HISTORY_SUBJECTS.values()))],
        order=[('id', 'ASC')])
    assert len(history) == HISTORY_CASES
    assert {c.state for c in history} == {'closed'}
    assert all(c.answered_by and c.closed_by and c.answer_days
        and c.received <= c.answer_date <= c.closed_date for c in history)
    recent = Case.find([('id', 'not in', [c.id for c in history])])
    assert max(c.id for c in history) < min(c.id for c in recent)
    quarters = sorted({s.period_start for s in snapshots})
    Check = Model.get('customer_care.satisfaction.check')
    for quarters_before, count, late, verified, satisfied in HISTORY:
        start = quarters[-1 - quarters_before]
        in_quarter = [c for c in history
            if start <= local_date(c.received) <= period_end(start)]
        assert len(in_quarter) == count, start
        assert sum(not c.on_time for c in in_quarter) == late, start
        checks = Check.find([('case', 'in', [c.id for c in in_quarter])])
        assert len(checks) == verified, start
        assert {c.case.kind for c in checks} <= {'complaint', 'claim'}
        assert sum(c.result == 'satisfied' for c in checks) == satisfied
    # The cases of the contracts under an SLA in each quarter, some answered
    # after the SLA's target, and the actions checked in each quarter
    sla_cases = Case.find([('subject', '=', HISTORY_SLA_SUBJECT)])
    Action = Model.get('customer_care.improvement_action')
    actions = Action.find([('title', '=', HISTORY_ACTION_TITLE)])
    for quarters_before, cases in HISTORY_SLA:
        start = quarters[-1 - quarters_before]
        in_quarter = [c for c in sla_cases
            if start <= local_date(c.received) <= period_end(start)]
        assert len(in_quarter) == len(cases), start
        assert all(c.state == 'closed' and c.sla and c.contract
            and c.received >= dt.datetime.combine(
                c.contract.start_date, dt.time()) for c in in_quarter)
        assert sum(c.answer_date > c.sla_answer_deadline
            for c in in_quarter) == sum(late for *_, late in cases), start
    for quarters_before, results in HISTORY_ACTIONS:
        start = quarters[-1 - quarters_before]
        in_quarter = [a for a in actions
            if start <= a.checked <= period_end(start)]
        assert sorted(a.effectiveness for a in in_quarter) == sorted(
            results), start
        assert all(a.state == 'checked' and a.closed <= a.checked
            for a in in_quarter)
    trends = {}
    for snapshot in snapshots:
        trends.setdefault(snapshot.indicator.code, []).append(snapshot)
    for code in ['ATO', 'SC', 'QRV', 'DPR', 'D90', 'CRE', 'CCT', 'SLA',
            'AME']:
        assert all(s.value is not None for s in trends[code]), code

    # The management review of the last quarter, prepared by the
    # coordinator with its conclusions: every indicator with its four
    # periods; it prints
    review, = Model.get('customer_care.management_review').find([])
    assert review.state == 'draft'
    assert review.prepared_by.party.name == USERS['coordinador'][0]
    assert review.conclusions and review.decisions
    assert [r['code'] for r in review.figures['indicators']] == sorted(
        i.code for i in Model.get('customer_care.indicator').find([]))
    assert all(len(r['trend']) == 4 for r in review.figures['indicators'])
    assert review.end_date == max(s.period_end for s in snapshots)
    extension, content, _, _ = Report(
        'customer_care.management_review').execute([review])
    assert extension == 'pdf' and content.startswith(b'%PDF')

    # The same records as ever (inactive ones too: the root user), and the
    # actions of the red snapshots
    context = {**config.context, 'active_test': False}
    assert {name: Model.get(name)._proxy.search_count([], 0, None, context)
        for name in DEMO_RECORDS} == {**DEMO_RECORDS,
        'customer_care.improvement_action': (
            DEMO_RECORDS['customer_care.improvement_action'] + len(reds))}

    Case = Model.get('customer_care.case')
    Request = Model.get('customer_care.case.information_request')
    Reminder = Model.get('customer_care.reminder')
    Notification = Model.get('res.notification')
    Subscription = Model.get('sale.subscription')
    User = Model.get('res.user')

    # The cases filed through the web form, by its user: registered,
    # with the consent, both on new parties; the known customer who has
    # only the e-mail of the first is its candidate to confirm
    web_cases = Case.find([('consent_date', '!=', None)])
    assert len(web_cases) == len(WEB_FORM_CASES)
    assert {c.state for c in web_cases} == {'registered'}
    assert {c.channel for c in web_cases} == {'web'}
    assert all(c.consent_digest and c.consent_policy for c in web_cases)
    customers = {c.subject: c.customer.name for c in web_cases}
    assert customers == {s['subject']: s['name'] for s in WEB_FORM_CASES}
    to_confirm = {c.subject: [p.name for p in c.customer_candidates]
        for c in web_cases if c.customer_to_confirm}
    first, second = WEB_FORM_CASES
    assert to_confirm == {first['subject']: [first['name']]}
    web_user, = User.find([('login', '=', 'customer_care_web_form')])
    assert {c.create_uid.id for c in web_cases} == {web_user.id}

    # Besides the cases raised in a service review, from the web form and
    # by e-mail (below), from the paper forms of the suggestion boxes
    # and the closed cases of the past quarters (below)
    cases = Case.find([
            ('origin', '=', None), ('consent_date', '=', None),
            ('email_message_id', '=', None), ('box_round', '=', None),
            ('subject', 'not in',
                list(HISTORY_SUBJECTS.values()) + [HISTORY_SLA_SUBJECT]),
            ])
    assert len(cases) == len(CASES)
    for spec in CASES:
        case, = [c for c in cases if c.subject == spec['subject']]
        assert case.state == spec['state'], (case.subject, case.state)

    # An incomplete request waits for its customer, another was completed
    Suspension = Model.get('customer_care.case.suspension')
    suspensions = Suspension.find([])
    assert {s.state for s in suspensions} == {'suspended', 'resumed'}
    waiting, = Case.find([('state', '=', 'customer')])
    assert waiting.suspensions[0].state == 'suspended'
    assert waiting.due_status is None

    # The inbox received a new customer, a known one, a reply threaded into
    # the known one's case and an ignored auto-reply
    InboundEmail = Model.get('inbound.email')
    received = InboundEmail.find([], order=[('id', 'ASC')])
    assert [e.care_status for e in received] == [
        'registered', 'registered', 'replied', 'ignored']
    new, known = [e.result for e in received[:2]]
    assert new.customer.created_from_email
    assert new.channel == 'email' and new.state == 'registered'
    assert not known.customer.created_from_email
    assert known.customer.name == "Carlos Arturo Mejía Polo"
    assert received[2].result.channel.resource == known
    assert received[2].result.content.startswith("Buenos días")

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
    # The in person and phone cases are verbal, one answered verbally
    assert all(bool(c.verbal) == (c.channel in {'in_person', 'phone'})
        for c in cases)
    assert [c.channel for c in cases if c.answered_verbally] == ['in_person']
    # Its filing record prints, with the verbal answer
    answered_verbally, = [c for c in cases if c.answered_verbally]
    extension, content, _, _ = Report(
        'customer_care.case.verbal_record').execute([answered_verbally])
    assert extension == 'pdf' and content.startswith(b'%PDF')
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
    # Not competent: one to forward by its due date, one forwarded
    to_forward, = [c for c in cases if c.state == 'forwarding']
    assert to_forward.forward_due_date >= to_forward.received.date()
    forwarded, = [c for c in cases if c.state == 'forwarded']
    assert forwarded.forwarded_to.name.startswith("Acueducto")
    assert forwarded.forwarded_email == forwarded.forwarded_to.email
    assert forwarded.forwarded_by and forwarded.forwarded_date
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

    # The reminders ran yesterday and today
    assert Reminder.find([('kind', '=', 'reminder')])
    assert Reminder.find([('kind', '=', 'escalation')])
    assert {r.date for r in Reminder.find([])} == {
        today - dt.timedelta(days=1), today}
    # Escalated to the teams' managers at level 1 and, 2 business days
    # later and on a later run, to the coordinator at level 2; no
    # escalation manager: no level 3
    escalations = Reminder.find([('kind', '=', 'escalation')])
    assert {e.level for e in escalations} == {1, 2}
    assert {e.user.login for e in escalations if e.level == 2} == {
        'coordinador'}
    Summary = Model.get('customer_care.escalation.summary')
    assert {s.level for s in Summary.find([])} == {1, 2}
    assert {c.escalation_level for c in cases
        if c.state in {'registered', 'analysis', 'assigned', 'waiting'}
        } >= {0, 1, 2}
    assert Notification.find([])

    # The scheduler runs the module's actions for the demo company: a
    # scheduled action without companies does nothing
    Cron = Model.get('ir.cron')
    crons = Cron.find([('method', 'in', CRONS)])
    assert len(crons) == len(CRONS)
    assert all(len(c.companies) == 1 for c in crons)

    # A closed collection round and one whose forms are not all registered
    Round = Model.get('customer_care.suggestion_box.round')
    rounds = Round.find([])
    assert sorted((r.state, r.forms_found, r.forms_registered)
        for r in rounds) == [('closed', 2, 2), ('draft', 3, 2)]
    Attachment = Model.get('ir.attachment')
    for round_ in rounds:
        for case in round_.cases:
            assert case.channel == 'box'
            assert Attachment.find(
                [('resource', '=', f'customer_care.case,{case.id}')])

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
    # The action of a survey meeting's idea is checked with the surveys,
    # that of the red indicator and those of the past quarters with the
    # indicators
    actions = [a for a in Action.find([
                ('parent', '=', None),
                ('title', '!=', HISTORY_ACTION_TITLE),
                ])
        if not a.origin or a.origin.__class__.__name__ not in {
            'customer_care.survey.meeting.idea',
            'customer_care.indicator.snapshot'}]
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

    # The customers' requirements: from every kind of source, in every
    # state, the overdue one reminded to its owner and escalated to the
    # account manager of its contract
    Requirement = Model.get('customer_care.requirement')
    requirements = Requirement.find([])
    assert {r.state for r in requirements} == {
        'identified', 'accepted', 'met', 'rejected'}
    assert {r.origin.__class__.__name__ for r in requirements} == {
        'sale.subscription', 'customer_care.service_review',
        'customer_care.survey.campaign', 'customer_care.survey.meeting',
        'customer_care.case'}
    rejected, = [r for r in requirements if r.state == 'rejected']
    assert rejected.rejection_reason
    met, = [r for r in requirements if r.state == 'met']
    assert met.on_time and met.accepted_date and met.fulfilment
    overdue, = Requirement.find([
            ('state', '=', 'accepted'),
            ('due_date', '<', dt.date.today()),
            ])
    assert overdue.contract and overdue.contract.party == overdue.customer
    assert {(r.kind, r.user.login) for r in Reminder.find([
                ('record_model', '=', 'customer_care.requirement'),
                ])} == {('reminder', 'comercial1'), ('escalation', 'comercial1')}

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
    # The one raised in a review, those of the web form, the two that came
    # by e-mail, the paper forms of the boxes and those of the past quarters
    assert len(visible) == (
        len(CASES) + 1 + len(WEB_FORM_CASES) + 2 + BOX_FORMS
        + HISTORY_CASES + HISTORY_SLA_CASES)
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

    # The inbox shows an IMAP mailbox, not fetched: no server behind it
    Inbox = Model.get('inbound.email.inbox')
    inbox, = Inbox.find([('name', '=', "Customer care")])
    assert inbox.imap_host and inbox.imap_user and inbox.imap_password
    assert not inbox.imap_fetch
    assert not inbox.imap_last_fetch

    # The saved regulator layout exports the cases of the demo, read back
    Layout = Model.get('customer_care.regulator.layout')
    layout, = Layout.find([])
    registered = [c for c in Case.find([('state', '!=', 'draft')])]
    export = Wizard('customer_care.regulator.export')
    export.form.layout = layout
    export.form.from_date = min(c.received for c in registered).date()
    export.form.to_date = today + dt.timedelta(days=1)
    export.execute('export')
    assert export.form.count == len(registered)
    rows = [[c.value for c in row] for row in load_workbook(
            io.BytesIO(export.form.file)).active.iter_rows()]
    headers = [h for h, _, _ in REGULATOR_LAYOUT_COLUMNS]
    assert rows[0] == headers
    body = [dict(zip(headers, r)) for r in rows[1:]]
    assert sorted(r["Código queja"] for r in body) == sorted(
        c.number for c in registered)
    assert {r["Código canal"] for r in body} <= {
        code for _, code in REGULATOR_LAYOUT_CODES['channel']}
    assert {r["Tipo"] for r in body} == {
        code for _, code in REGULATOR_LAYOUT_CODES['kind']}
    assert {r["Entidad"] for r in body} == {'1-0001'}
    assert {r["Prórroga"] for r in body} == {'S', 'N'}
