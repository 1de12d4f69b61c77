# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The account manager in the web client (comercial1): customers, reviews"
import datetime as dt
import uuid

import pytest

CASE = 'customer_care.case'
REVIEW = 'customer_care.service_review'
PARTICIPANT = 'customer_care.survey.participant'
OPEN_STATES = ['registered', 'analysis', 'assigned', 'waiting']
CUSTOMER = "Cerámicas San Lorenzo S.A.S."  # comercial1's customer


def unique(text):
    "text with a tag that no other record carries"
    return f'{text} {uuid.uuid4().hex[:6]}'


def test_customer_tab(desktop, rpc):
    "The party's Servicio al cliente tab shows its open and overdue cases"
    manager = rpc('comercial1')
    party, = manager.search('party.party', [('name', '=', CUSTOMER)])
    cases = manager.search_read(CASE, [('customer', '=', party)],
        ['number', 'state', 'due_date'])
    today = manager.today()
    open_ = [c for c in cases if c['state'] in OPEN_STATES]
    overdue = [c for c in open_ if c['due_date'] and c['due_date'] < today]
    assert open_, "the demo customer has no open case"
    sao = desktop
    sao.login('comercial1')
    sao.open_menu('Terceros', 'Terceros')
    sao.open_row(CUSTOMER, search=True)
    sao.open_notebook("Servicio al cliente")

    assert int(sao.field('care_open_cases').input_value()) == len(open_)
    assert int(sao.field('care_overdue_cases').input_value()) == len(
        overdue)
    assert sao.field('account_manager').input_value() == "Carolina Ruiz"
    # Every case of the customer is listed, with its number
    listed = sao.one2many("Casos").locator('tbody tr:visible')
    listed.first.wait_for()
    shown = ' '.join(listed.all_inner_texts())
    assert listed.count() == len(cases)
    assert all(c['number'] in shown for c in cases)
    stored, = manager.read('party.party', [party],
        ['care_open_cases', 'care_overdue_cases'])
    assert (stored['care_open_cases'], stored['care_overdue_cases']) == (
        len(open_), len(overdue))


def test_service_review(desktop, rpc):
    "Prepare an upcoming review, write its minutes and a commitment, save"
    manager = rpc('comercial1')
    reviews = manager.search_read(REVIEW, [
            ('state', '=', 'scheduled'),
            ('account_manager', '=', manager.uid),
            ], ['customer.name'], order=[('date', 'ASC')])
    assert reviews, "comercial1 has no scheduled review in the demo"
    review = reviews[0]
    minutes = unique("Se revisó el cumplimiento del trimestre")
    commitment = unique("Enviar el informe de consumos")
    due = manager.today() + dt.timedelta(days=10)
    sao = desktop
    sao.login('comercial1')
    sao.open_menu('Servicio al cliente', 'Revisiones del servicio')
    sao.open_row(review['customer.']['name'])
    sao.click_button("Preparar")
    sao.open_notebook("Acta")
    sao.type(sao.field('minutes'), minutes)
    # Commit the typed text before the click (web-client bug, branch forms)
    sao.press('Tab')
    sao.click(sao.one2many("Compromisos").locator(
            'button[title="Nuevo"]').first)
    sao.dialogs().first.locator('.form').first.wait_for()
    sao.idle()
    dialog = sao.dialog()
    sao.type(sao.field('description', within=dialog), commitment)
    sao.press('Tab')
    sao.many2one('responsible', "Carolina Ruiz", within=dialog)
    sao.type(sao.field('due_date', within=dialog), due.strftime('%d/%m/%Y'),
        clear=True)
    sao.press('Tab')
    sao.dialog_ok(dialog)  # Añadir
    sao.save()

    stored, = manager.read(REVIEW, [review['id']],
        ['state', 'minutes', 'commitments', 'prepared_by.party.name'])
    assert stored['state'] == 'prepared'
    assert stored['minutes'] == minutes
    assert stored['prepared_by.']['party.']['name'] == "Carolina Ruiz"
    commitments = manager.read('customer_care.service_review.commitment',
        stored['commitments'],
        ['description', 'responsible.login', 'due_date', 'state'])
    assert [(c['responsible.']['login'], c['due_date'], c['state'])
        for c in commitments if c['description'] == commitment] == [
        ('comercial1', due, 'open')]


def pending_participant(rpc):
    "A participant of the running campaign waiting for comercial1"
    manager = rpc('comercial1')
    participants = manager.search_read(PARTICIPANT, [
            ('state', '=', 'pending'),
            ('account_manager', '=', manager.uid),
            ('campaign.state', '=', 'running'),
            ], ['party.name', 'answers', 'campaign.questionnaire'],
        order=[('id', 'ASC')])
    if not participants:
        pytest.fail("comercial1 has no pending survey participant")
    return participants[0]


def test_survey_answer_from_work_list(desktop, rpc):
    "Mis clientes pendientes: answers typed in the list are recorded"
    manager = rpc('comercial1')
    participant = pending_participant(rpc)
    party = participant['party.']['name']
    sao = desktop
    sao.login('comercial1')
    sao.open_menu('Servicio al cliente', 'Encuestas de satisfacción',
        'Clientes encuestados')
    sao.open_row(party, list_tab="Mis clientes pendientes")
    if not participant['answers']:
        sao.click_button("Agregar preguntas")
    answers = sao.one2many("Respuestas")
    typed = {}
    # The required questions of the demo questionnaire: a rating (1-5), a
    # recommendation (0-10) and a yes/no (1 is yes)
    for text, value in [("satisfecho", 4), ("recomiende", 9),
            ("a tiempo", 1)]:
        cell = answers.locator('tbody tr', has_text=text).first.locator(
            'td[data-title^="Valor"]')
        # The first click selects the row, the second edits the cell
        sao.click(cell)
        sao.idle()
        editor = cell.locator('input')
        if not editor.count() or not editor.first.is_visible():
            sao.click(cell)
            sao.idle()
        editor.first.press_sequentially(str(value), delay=15)
        sao.press('Enter')
        typed[text] = value
    sao.click_button("Registrar respuestas")

    stored, = manager.read(PARTICIPANT, [participant['id']],
        ['state', 'answered_through', 'answer_date', 'answers', 'csat',
            'nps'])
    assert stored['state'] == 'answered'
    assert stored['answered_through'] == 'manager'
    assert stored['answer_date']
    values = {a['question.']['text']: a['value']
        for a in manager.read('customer_care.survey.answer',
            stored['answers'], ['question.text', 'value'])}
    for text, value in typed.items():
        assert [v for q, v in values.items() if text in q] == [value]
    assert stored['nps'] == 9
