# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The coordinator in the web client (coordinador): routing and approvals"
import datetime as dt
import uuid

ACTION = 'customer_care.improvement_action'
QUESTIONS = ['meets_objective', 'drives_goal', 'channels_fit', 'keeps_brand']


def unique(text):
    "text with a tag that no other record carries"
    return f'{text} {uuid.uuid4().hex[:6]}'


def test_add_routing_rule(desktop, rpc):
    "A routing rule typed in the form is stored with its conditions and team"
    name = unique("Chat: cortes programados")
    keyword = unique("corte programado").replace(' ', '-')
    sao = desktop
    sao.login('coordinador')
    sao.open_menu('Servicio al cliente', 'Configuración',
        'Reglas de enrutamiento')
    sao.new_record()
    sao.type(sao.field('name'), name)
    # Commit the name before clicking a list option: a click in the
    # multi-selection list empties a Char being typed (web-client bug,
    # branch forms)
    sao.press('Tab')
    if sao.field('name').input_value() != name:
        # sao drops the first keys typed while the defaults of the new
        # record are still being displayed (seen in a CI run on a loaded
        # machine): type the name again, as a user would
        sao.type(sao.field('name'), name, clear=True)
        sao.press('Tab')
    sao.click(sao.field('channels').locator('option', has_text="Chat"))
    sao.idle()
    sao.type(sao.field('keywords'), keyword)
    sao.press('Tab')
    sao.many2one('team', "Facturación y Recaudo")
    assert sao.field('name').input_value() == name
    sao.save()

    coordinator = rpc('coordinador')
    rule, = coordinator.search_read('customer_care.routing.rule',
        [('name', '=', name)],
        ['channels', 'keywords', 'team.name', 'kinds', 'priorities',
            'active', 'company'])
    assert rule['channels'] == ['chat']
    assert rule['keywords'] == keyword
    assert rule['team.']['name'] == "Facturación y Recaudo"
    assert not rule['kinds'] and not rule['priorities']
    assert rule['active']
    # The form shows the saved record, not a pending change
    assert sao.field('name').input_value() == name


def make_action(rpc, title):
    "An improvement action with one plan line, waiting for approval"
    action = rpc.create(ACTION, {
            'kind': 'corrective', 'title': title,
            'responsible': rpc.uid,
            'description': "Creada por la prueba del navegador.",
            'due_date': rpc.today() + dt.timedelta(days=30),
            'lines': [('create', [{'activity': "Capacitar al equipo"}])],
            })
    rpc.execute(ACTION, 'wait', [action])
    number, = rpc.read(ACTION, [action], ['number', 'state'])
    assert number['state'] == 'waiting'
    return action, number['number']


def test_approve_improvement_action(desktop, rpc):
    "Sí/Sí/No/Sí: refused without justification, approved with it"
    coordinator = rpc('coordinador')
    action, number = make_action(
        coordinator, unique("Reducir reclamos por lectura estimada"))
    justification = "Los canales se ajustarán en la siguiente fase."
    sao = desktop
    sao.login('coordinador')
    sao.open_menu('Servicio al cliente', 'Acciones de mejora')
    sao.open_row(number, list_tab="Esperando aprobación")
    sao.open_notebook("Aprobación")
    for question, answer in zip(QUESTIONS, ["Sí", "Sí", "No", "Sí"]):
        sao.select(question, answer)
    sao.click_button("Aprobar")
    refusal = sao.accept_dialog()
    assert "justificación" in refusal.lower()
    stored, = coordinator.read(ACTION, [action], ['state'] + QUESTIONS)
    assert stored['state'] == 'waiting'
    assert [stored[q] for q in QUESTIONS] == ['yes', 'yes', 'no', 'yes']

    sao.open_notebook("Aprobación")
    sao.type(sao.field('approval_justification'), justification)
    # Commit the typed text before the click: a text typed right before a
    # button click can reset the lists (web-client bug, branch forms)
    sao.press('Tab')
    sao.click_button("Aprobar")

    stored, = coordinator.read(ACTION, [action], ['state',
            'approval_justification', 'approved_by.party.name'] + QUESTIONS)
    assert stored['state'] == 'approved'
    assert [stored[q] for q in QUESTIONS] == ['yes', 'yes', 'no', 'yes']
    assert stored['approval_justification'] == justification
    assert stored['approved_by.']['party.']['name'] == "Andrés Gómez"
