# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The forms that lost data in the web client (issue 10, bugs 1 to 3).

Each test does what /work/shared/repro/1-, 2- and 3-*.js do, as a person:
keyboard typing, then a quick click (press and release sent together) or a
finger tap, and reads back what the server stored.

They pass thanks to the module's custom.js (web/selection.js, in the
custom.js that routes.py serves).  To see them fail without it, run them with
``CC_FORMS_WITHOUT_FIX=1``: the page then gets no custom.js (a 404), as
before the fix; the server still refuses the read-only changes, so bug 1
then ends with an error instead of a rewritten case.
"""
import contextlib
import datetime as dt
import json
import os
import re
import time
import urllib.error
import urllib.request

import pytest

from trytond.modules.customer_care.tests.browser import RPCError

WITHOUT_FIX = bool(os.environ.get('CC_FORMS_WITHOUT_FIX'))
CASE = 'customer_care.case'
ACTION = 'customer_care.improvement_action'
RULE = 'customer_care.routing.rule'
ANSWER = "Respuesta de prueba de la prueba del navegador"
QUESTIONS = ['meets_objective', 'drives_goal', 'channels_fit', 'keeps_brand']
JUSTIFICATION = "Los canales se ajustarán en la siguiente fase."


def tag():
    return format(time.time_ns() // 1000, 'x')


def open_sao(new_sao, **options):
    sao = new_sao(**options)
    if WITHOUT_FIX:
        sao.page.route('**/custom.js', lambda route: route.fulfill(
                status=404, body=''))
    return sao


@contextlib.contextmanager
def slow_cpu(sao, rate=4):
    """Run the page on a CPU rate times slower, as on a slower machine.

    The loss of bugs 1 and 2 needs the release of the click to land while
    the form redisplays (about 35 ms here, 210 ms with the CPU 6 times
    slower): slowing the CPU during the click makes that window wide
    enough for the test to see the bug every time without the fix."""
    cdp = sao.page.context.new_cdp_session(sao.page)
    cdp.send('Emulation.setCPUThrottlingRate', {'rate': rate})
    try:
        yield
    finally:
        cdp.send('Emulation.setCPUThrottlingRate', {'rate': 1})
        cdp.detach()


def writes(sao, model, start):
    "The values of the write calls on model logged since start"
    return [c['params'][1] for c in sao.calls(start, model, 'write')]


def make_case(rpc, state):
    "Create a phone complaint of high priority in state over RPC"
    name = f"Navegador 1 {tag()}"
    party = rpc.create('party.party', {'name': name})
    case_id = rpc.create(CASE, {
            'customer': party, 'subject': name,
            'description': "Registrado por la prueba del navegador.",
            'kind': 'complaint', 'channel': 'phone', 'priority': 'high',
            })
    rpc.execute(CASE, 'register', [case_id])
    case, = rpc.read(CASE, [case_id], ['state', 'responsible', 'number'])
    if case['state'] == 'registered':
        rpc.execute(CASE, 'analyse', [case_id])
    if state == 'assigned':
        if not case['responsible']:
            rpc.write(CASE, [case_id], {'responsible': rpc.uid})
        rpc.execute(CASE, 'assign', [case_id])
    case, = rpc.read(CASE, [case_id], ['state', 'number'])
    assert case['state'] == state
    return case_id, case['number']


def read_case(rpc, case_id):
    case, = rpc.read(CASE, [case_id], [
            'state', 'kind', 'channel', 'priority', 'answer', 'term_duration'])
    return case


@pytest.mark.parametrize('state,gesture', [
        ('assigned', 'quick'),
        ('analysis', 'quick'),
        ('analysis', 'tap'),
        ])
def test_respond_keeps_classification(new_sao, rpc, state, gesture):
    """Bug 1: type the answer, click Responder at once (or tap it): the case
    is answered and keeps Queja / Teléfono / Alta"""
    agent = rpc('agente')
    case_id, number = make_case(agent, state)
    before = read_case(agent, case_id)
    sao = open_sao(new_sao, has_touch=(gesture == 'tap'))
    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    sao.open_row(number, list_tab='Todo', search=True)
    sao.open_notebook('Respuesta')
    textarea = sao.field('answer')
    sao.click(textarea)
    sao.page.keyboard.type(ANSWER, delay=20)
    respond = sao.button('Responder')
    # The answer is not committed yet: the press on Responder commits it and
    # sao redisplays the form (its lists rebuilt) before the release clicks
    start = len(sao.rpc_log)
    with slow_cpu(sao):
        sao.click(respond, quick=(gesture == 'quick'), tap=(gesture == 'tap'))
        sao.dialog().wait_for()
    # The answer's confirmation: Enviar, or Registrar la respuesta when the
    # customer has no e-mail address (as here)
    dialog = sao.dialog()
    sao.click(dialog.get_by_role('button', name=re.compile(
                r'^(Enviar|Registrar la respuesta)$', re.I)).first)
    sao.idle()
    sao.idle()
    message = sao.message()

    after = read_case(agent, case_id)
    sent = writes(sao, CASE, start)
    assert (after['kind'], after['channel'], after['priority']) == (
        'complaint', 'phone', 'high'), (after, sent, message)
    assert after['state'] == 'answered', (after, sent, message)
    assert after['answer'] == ANSWER
    assert after['term_duration'] == before['term_duration']
    # The form sent the answer and nothing else of its own
    for values in sent:
        for name in ['kind', 'channel', 'priority']:
            assert values.get(name, before[name]) == before[name], sent


def make_action(rpc):
    "Create an improvement action with a plan line, waiting for approval"
    today = rpc.call('ir.date', 'today')
    action_id = rpc.create(ACTION, {
            'kind': 'corrective', 'title': f"Navegador 2 {tag()}",
            'responsible': rpc.uid,
            'description': "Creada por la prueba del navegador.",
            'due_date': today + dt.timedelta(days=30),
            'lines': [['create', [{'activity': "Actividad de prueba"}]]],
            })
    rpc.execute(ACTION, 'wait', [action_id])
    action, = rpc.read(ACTION, [action_id], ['number', 'state'])
    assert action['state'] == 'waiting'
    return action_id, action['number']


@pytest.mark.parametrize('one_try', [False, True])
def test_approve_keeps_answers(new_sao, rpc, one_try):
    """Bug 2: answer Sí/Sí/No/Sí, (Aprobar is refused without a
    justification,) type the justification and click Aprobar at once: the
    action is approved with the four answers kept"""
    coordinator = rpc('coordinador')
    action_id, number = make_action(coordinator)
    sao = open_sao(new_sao)
    sao.login('coordinador')
    sao.open_menu('Servicio al cliente', 'Acciones de mejora')
    sao.open_row(
        number, list_tab='Esperando aprobación', search=True)
    sao.open_notebook('Aprobación')
    for name, label in zip(QUESTIONS, ['Sí', 'Sí', 'No', 'Sí']):
        sao.select(name, label)
    approve = sao.button('Aprobar')
    if not one_try:
        sao.click(approve)
        refusal = sao.accept_dialog()
        assert 'justificación' in refusal, refusal
        stored, = coordinator.read(ACTION, [action_id], QUESTIONS)
        assert [stored[q] for q in QUESTIONS] == ['yes', 'yes', 'no', 'yes']
        sao.open_notebook('Aprobación')
    sao.click(sao.field('approval_justification'))
    sao.page.keyboard.type(JUSTIFICATION, delay=20)
    start = len(sao.rpc_log)
    with slow_cpu(sao):
        sao.click(approve, quick=True)
        sao.idle()
    message = sao.message()

    action, = coordinator.read(
        ACTION, [action_id], QUESTIONS + ['state', 'approval_justification'])
    sent = writes(sao, ACTION, start)
    assert [action[q] for q in QUESTIONS] == ['yes', 'yes', 'no', 'yes'], (
        action, sent, message)
    assert action['state'] == 'approved', (action, sent, message)
    assert action['approval_justification'] == JUSTIFICATION
    for values in sent:
        for name in QUESTIONS:
            assert values.get(name, 'kept') is not None, sent


@pytest.mark.parametrize('hold', [0, 0.12])
def test_routing_rule_keeps_name(new_sao, rpc, hold):
    """Bug 3: type the name of a new routing rule, click the Chat condition
    at once: the name stays and the rule is saved with it"""
    name = f"Regla navegador 3 {tag()}"
    keyword = f"zzz-navegador-3-{tag()}"
    sao = open_sao(new_sao)
    sao.login('coordinador')
    sao.open_menu(
        'Servicio al cliente', 'Configuración', 'Reglas de enrutamiento')
    start = len(sao.rpc_log)
    sao.click(sao.tab.get_by_role('button', name='Nuevo', exact=True).first)
    name_input = sao.field('name')
    name_input.wait_for()
    # sao fills the new record with its defaults when default_get answers,
    # which may come after the form is shown: what was typed before is lost
    # (another sao race, not bug 3), so wait for it
    deadline = time.monotonic() + 20
    while not sao.calls(start, RULE, 'default_get'):
        assert time.monotonic() < deadline, "no default_get"
        sao.tick(50)
    sao.idle()
    sao.click(name_input)
    sao.page.keyboard.type(name, delay=20)
    option = sao.form.locator(
        'select[name=channels] option', has_text='Chat').first
    sao.click(option, hold=hold, quick=not hold)
    sao.idle()
    assert name_input.input_value() == name
    chosen = sao.form.locator('select[name=channels]').evaluate(
        's => [...s.selectedOptions].map(o => o.text)')
    assert chosen == ['Chat']
    # A keyword no case contains, so that the rule routes nothing
    sao.type(sao.field('keywords'), keyword)
    sao.press('Tab')
    sao.select('priority', 'Normal')
    sao.save()
    message = sao.message()

    rules = rpc('coordinador').search_read(
        RULE, [('keywords', '=', keyword)], ['name', 'channels'])
    assert [(r['name'], r['channels']) for r in rules] == [
        (name, ['chat'])], message
    rpc('admin').call(RULE, 'delete', [r['id'] for r in rules])


def test_server_refuses_kind_change(rpc):
    """Bug 1 on the server: the write the web client sent is refused and
    nothing of it is stored; the same values are accepted"""
    agent = rpc('agente')
    case_id, _ = make_case(agent, 'assigned')
    with pytest.raises(RPCError) as info:
        agent.write(CASE, [case_id], {
                'answer': ANSWER, 'kind': 'compliment',
                'channel': 'in_person', 'priority': 'low',
                'petition_kind': None,
                })
    assert 'Tipo' in info.value.message, info.value.message
    after = read_case(agent, case_id)
    assert (after['kind'], after['channel'], after['priority'],
        after['answer']) == ('complaint', 'phone', 'high', None)
    agent.write(CASE, [case_id], {
            'answer': ANSWER, 'kind': 'complaint', 'channel': 'phone',
            'priority': 'high',
            })
    assert read_case(agent, case_id)['answer'] == ANSWER


def test_optional_files_answered(new_sao, demo_server):
    """sao's optional files (custom.js, custom.css, locale/<lang>.json) are
    answered, none with an error, and the fixes apply to this sao"""
    sao = new_sao()
    failures = []
    sao.page.on('response', lambda response: failures.append(
            (response.status, response.url))
        if response.status >= 400 else None)
    sao.login('agente')
    assert failures == [], failures
    if not WITHOUT_FIX:
        patches = sao.page.evaluate('Sao.customer_care_patches')
        assert patches == ['Selection', 'MultiSelection']

    def get(path):
        with urllib.request.urlopen(demo_server.url + path) as response:
            return response.status, response.headers.get_content_type(), \
                response.read()

    status, kind, body = get('custom.js')
    assert (status, kind) == (200, 'text/javascript')
    # Both scripts of web/: the widget fixes and the context refresh
    assert b'customer_care_patches' in body
    assert b'__customer_care_context' in body
    status, kind, _ = get('custom.css')
    assert (status, kind) == (200, 'text/css')
    status, kind, body = get('locale/es_CO.json')
    assert (status, kind) == (200, 'application/json')
    assert json.loads(body)['Version mismatch'][1] == "Versión incompatible"
    status, _, body = get('locale/en_US.json')
    assert status == 200
    assert json.loads(body) == {'': {'language': 'en_US'}}
    with pytest.raises(urllib.error.HTTPError) as info:
        get('locale/e$s.json')
    assert info.value.code == 404
    assert re.search('8\\.0\\.', sao.page.evaluate('Sao.__version__'))
