# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The agent's day in the web client (agente): register, route, ask, answer"
import datetime as dt
import re
import shutil
import subprocess
import uuid
from zoneinfo import ZoneInfo

import pytest

from trytond.modules.customer_care.models.calendar import BusinessCalendar

CASE = 'customer_care.case'
CUSTOMER = "Cerámicas San Lorenzo S.A.S."  # industrial, has an e-mail


def unique(text):
    "text with a tag that no other record carries"
    return f'{text} {uuid.uuid4().hex[:6]}'


def party_id(rpc, name):
    party, = rpc.search('party.party', [('name', '=', name)])
    return party


def make_case(rpc, subject, state='analysis', answer=None, **values):
    "Create a phone complaint of CUSTOMER over RPC and drive it to state"
    values = {
        'customer': party_id(rpc, CUSTOMER), 'subject': subject,
        'description': "Registrado por la prueba del navegador.",
        'kind': 'complaint', 'channel': 'phone', **values}
    case = rpc.create(CASE, values)
    rpc.execute(CASE, 'register', [case])
    if state in {'analysis', 'answered'}:
        rpc.execute(CASE, 'analyse', [case])
    if state == 'answered':
        rpc.write(CASE, [case], {'answer': answer})
        rpc.execute(CASE, 'respond', [case])
    number, = rpc.read(CASE, [case], ['number'])
    return case, number['number']


def expected_due_date(rpc, received, duration):
    "The due date duration business days after received, on the settings"
    admin = rpc.server.rpc('admin')
    config, = admin.read('customer_care.configuration', [1],
        ['holiday_country.code', 'holiday_subdivision', 'non_working_days'])
    holidays = admin.search_read('customer_care.holiday', [], ['date'])
    company, = admin.read('company.company', [rpc.context['company']],
        ['timezone'])
    calendar = BusinessCalendar(
        country=(config.get('holiday_country.') or {}).get('code'),
        subdivision=config['holiday_subdivision'],
        non_working_days=config['non_working_days'] or (5, 6),
        extra_holidays=[h['date'] for h in holidays])
    local = received.replace(tzinfo=dt.timezone.utc).astimezone(
        ZoneInfo(company['timezone'] or 'UTC'))
    return calendar.add_days(local.date(), duration)


def test_register_phone_complaint(desktop, rpc):
    "A phone complaint typed in the case form is registered and routed"
    sao = desktop
    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    sao.new_record()
    subject = unique("Cobro de reconexión sin corte")
    sao.many2one('customer', "Cerámicas San Lorenzo")
    sao.select('kind', "Queja")
    sao.select('channel', "Teléfono")
    sao.type(sao.field('subject'), subject)
    sao.type(sao.field('description'),
        "Llamó la jefe de planta: les cobraron una reconexión sin corte.")
    # Commit the typed text before the click: a text typed right before a
    # button click can reset the lists (web-client bug, branch forms)
    sao.press('Tab')
    sao.click_button("Registrar")

    agent = rpc('agente')
    case, = agent.search_read(CASE, [('subject', '=', subject)], [
            'state', 'kind', 'channel', 'customer.name', 'description',
            'routing_rule.name', 'team.name', 'responsible.login',
            'priority', 'received', 'due_date', 'term_duration',
            'term_unit', 'registered_by.party.name'])
    assert case['state'] == 'registered'
    assert (case['kind'], case['channel']) == ('complaint', 'phone')
    assert case['customer.']['name'] == CUSTOMER
    assert case['description'].startswith("Llamó la jefe de planta")
    assert case['registered_by.']['party.']['name'] == "Laura Martínez"
    # The demo's rule for complaints of industrial customers
    assert case['routing_rule.']['name'] == (
        "Quejas y reclamos de clientes industriales")
    assert case['team.']['name'] == "Atención Empresarial"
    assert case['priority'] == 'high'
    # The rule's responsible, or one of its team's people when the rule
    # leaves the choice to the team
    rule, = agent.read('customer_care.routing.rule',
        [case['routing_rule.']['id']], ['responsible', 'team'])
    if rule['responsible']:
        assert case['responsible.']['id'] == rule['responsible']
    else:
        team, = rpc('admin').read('customer_care.team', [rule['team']],
            ['members', 'manager'])
        assert case['responsible.']['id'] in team['members'] + [
            team['manager']]
    # The term of a complaint: 15 business days (Ley 1755 de 2015)
    term, = agent.search_read('customer_care.term', [
            ('kind', '=', 'complaint'), ('emergency', '=', False)],
        ['duration', 'unit'])
    assert (case['term_duration'], case['term_unit']) == (
        term['duration'], term['unit']) == (15, 'day')
    assert case['due_date'] == expected_due_date(
        agent, case['received'], 15)
    # The form shows what the server stored
    sao.open_notebook("Enrutamiento y término")
    assert sao.field('team').input_value() == "Atención Empresarial"


def test_information_request(desktop, rpc):
    "An agent asks the billing contact for information; the case waits"
    agent = rpc('agente')
    case, number = make_case(agent, unique("Factura con consumo estimado"))
    question = unique("¿Cuál fue la lectura real del medidor en octubre?")
    sao = desktop
    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    sao.open_row(number, list_tab="Todo", search=True)
    sao.open_notebook("Solicitudes de información")
    widget = sao.one2many("Solicitudes de información")
    sao.click(widget.locator('button[title="Nuevo"]').first)
    sao.dialogs().first.locator('.form').first.wait_for()
    sao.idle()
    dialog = sao.dialog()
    sao.many2one('user', "Diana Castro", within=dialog)
    sao.type(sao.field('question', within=dialog), question)
    sao.press('Tab')
    sao.dialog_ok(dialog)  # Añadir
    sao.save()
    sao.click_button("Esperar información")

    request, = agent.search_read('customer_care.case.information_request',
        [('case', '=', case)],
        ['user.login', 'question', 'state', 'kind', 'due_date'])
    assert request['user.']['login'] == 'servicio'
    assert request['question'] == question
    assert request['state'] == 'requested'
    assert request['kind'] == 'information'
    assert request['due_date'] > agent.today()
    stored, = agent.read(CASE, [case], ['state'])
    assert stored['state'] == 'waiting'
    # The service contact sees it among the requests to answer
    assert rpc('servicio').search(
        'customer_care.case.information_request',
        [('case', '=', case), ('state', '=', 'requested')])


def test_answer_case(desktop, rpc):
    "Respuesta tab, Responder, Enviar: answered, kept its classification"
    agent = rpc('agente')
    case, number = make_case(agent, unique("Medidor sin sello"))
    answer = "Revisamos su medidor: el sello fue repuesto sin costo."
    sao = desktop
    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    sao.open_row(number, list_tab="Todo", search=True)
    sao.open_notebook("Respuesta")
    sao.type(sao.field('answer'), answer)
    # Commit the typed text before the click (web-client bug, branch forms)
    sao.press('Tab')
    sao.click_button("Responder")
    # The confirmation shows the text that leaves (test_browser_answer.py)
    dialog = sao.dialog()
    dialog.locator('.form').first.wait_for()
    sao.idle()
    assert answer in sao.field('body', within=dialog).input_value()
    sao.dialog_ok(dialog)  # Enviar

    stored, = agent.read(CASE, [case], ['state', 'answer', 'answer_date',
            'kind', 'channel', 'priority', 'answered_by.party.name'])
    assert stored['state'] == 'answered'
    assert stored['answer'] == answer
    assert stored['answer_date']
    assert stored['answered_by.']['party.']['name'] == "Laura Martínez"
    assert (stored['kind'], stored['channel'], stored['priority']) == (
        'complaint', 'phone', 'high')
    # The answer went to the customer's e-mail
    mails = [m for m in sao.server.mails()
        if 'energia@ceramicassl.example' in (m['To'] or '')
        and number in (m['Subject'] or '') + m.get_body(
            ('plain', 'html')).get_content()]
    assert mails, "no answer e-mailed to the customer"
    assert "el sello fue repuesto" in mails[-1].get_body(
        ('plain', 'html')).get_content()


def test_print_answer_letter(desktop, rpc):
    "Print › Carta de respuesta gives the PDF letter with the answer"
    agent = rpc('agente')
    answer = "Le informamos que el cobro de reconexión fue anulado."
    case, number = make_case(agent, unique("Cobro anulado"),
        state='answered', answer=answer)
    sao = desktop
    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    sao.open_row(number, list_tab="Todo", search=True)
    sao.click(sao.toolbar('print'))
    entry = sao.tab.get_by_role('menuitem', name="Carta de respuesta")
    with sao.page.expect_download() as download:
        sao.click(entry)
    path = download.value.path()
    content = open(path, 'rb').read()
    assert content.startswith(b'%PDF')
    assert download.value.suggested_filename.endswith('.pdf')
    if shutil.which('pdftotext'):
        text = subprocess.run(['pdftotext', '-layout', path, '-'],
            capture_output=True, check=True, text=True).stdout
        text = re.sub(r'\s+', ' ', text)
        assert number in text
        assert CUSTOMER in text
        assert "el cobro de reconexión fue anulado" in text


def test_satisfaction_call(desktop, rpc):
    "A call recorded on a check due today: satisfied, with its notes"
    agent = rpc('agente')
    checks = agent.search_read('customer_care.satisfaction.check', [
            ('state', '=', 'pending'),
            ('due_date', '<=', agent.today()),
            ], ['case.number'], order=[('id', 'ASC')])
    if not checks:
        pytest.fail("the demo has no satisfaction check due today")
    check = checks[0]
    number = check['case.']['number']
    notes = unique("El cliente confirma que quedó conforme")
    sao = desktop
    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Verificaciones de satisfacción')
    sao.open_row(number, list_tab="Para hoy")
    sao.type(sao.field('call_notes'), notes)
    # Commit the typed text before the click (web-client bug, branch forms)
    sao.press('Tab')
    sao.click_button("Satisfecho")

    stored, = agent.read('customer_care.satisfaction.check', [check['id']],
        ['state', 'result', 'attempts', 'call_notes'])
    assert stored['result'] == 'satisfied'
    assert stored['state'] != 'pending'
    attempts = agent.read('customer_care.satisfaction.attempt',
        stored['attempts'], ['outcome', 'notes', 'caller.login'])
    assert [(a['outcome'], a['notes'], a['caller.']['login'])
        for a in attempts][-1] == ('satisfied', notes, 'agente')
