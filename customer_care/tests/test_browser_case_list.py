# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The cases list and the first tab of the case form in the web client:
the search box, the Due Soon tab, the SLA status column, the due date of a
new case and the company's times in a browser of another time zone."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

OPEN_STATES = ['registered', 'analysis', 'assigned', 'waiting']
NUMBER = re.compile(r'PQRS-\d+')
SLA_LABELS = {'met': "Cumplido", 'breached': "Incumplido", 'running': "En curso"}
SLA_VISUALS = {'met': 'success', 'breached': 'danger', 'running': 'warning'}


def shown_numbers(sao):
    "The case numbers of the rows of the current list, in their order"
    sao.idle()
    return [m.group() for text in sao.rows().all_inner_texts()
        for m in [NUMBER.search(text)] if m]


def search(sao, text):
    "Type text in the search box of the list, press Enter, wait for the list"
    entry = sao.tab.locator('.filter-box input.form-control').first
    sao.type(entry, text, clear=True)
    start = len(sao.rpc_log)
    sao.press('Enter')
    for _ in range(200):
        if sao.calls(start, 'customer_care.case', 'search'):
            break
        sao.tick(50)
    else:
        raise AssertionError(f"no search sent for {text!r}")
    sao.idle()


def pick(sao, name, text):
    """Type text in the Many2One field name and pick the record whose row
    shows text in the search dialog, if one opens (clicking its radio: the
    middle of the row may be a link that opens the record)"""
    field = sao.field(name)
    sao.type(field, text, clear=True)
    sao.press('Tab')
    dialog = sao.dialog()
    if dialog.count():
        row = dialog.locator('.treeview tbody tr', has_text=text).first
        sao.click(row.locator('td').first)
        sao.click(dialog.get_by_role('button', name='Aceptar'))
        sao.idle()
    assert text in field.input_value()


def columns(sao):
    """Return the rows of the current list as dicts of the column header
    text: (cell text, cell classes)"""
    return sao.tab.locator('.treeview table').first.evaluate('''table => {
        const headers = [...table.querySelectorAll('thead th')].map(
            th => th.innerText.trim());
        // (not the filler rows of a short list)
        return [...table.querySelectorAll('tbody tr')].filter(
            tr => tr.offsetParent !== null
            && tr.children.length == headers.length).map(tr => {
                const row = {};
                [...tr.children].forEach((td, i) => {
                    if (headers[i]) {
                        row[headers[i]] = [td.innerText.trim(), td.className];
                    }
                });
                return row;
            });
        }''')


def test_search_box_customer_name_and_phone(desktop, rpc):
    "The search box finds the open cases by the customer's name and phone"
    sao = desktop
    agent = rpc('agente')
    cases = agent.search_read('customer_care.case', [
            ('state', 'in', OPEN_STATES),
            ('customer.name', 'ilike', '%Espiga%'),
            ], ['number', 'contact_phone'])
    assert cases
    phone = cases[0]['contact_phone']
    assert ' ' in phone  # stored as "+57 313 555 0107"
    by_phone = {c['number'] for c in agent.search_read('customer_care.case', [
                ('state', 'in', OPEN_STATES),
                ('contact_phone', '=', phone),
                ], ['number'])}

    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    assert len(shown_numbers(sao)) > len(cases)

    # Part of the customer's name, in lower case
    search(sao, 'espiga del norte')
    assert set(shown_numbers(sao)) == {c['number'] for c in cases}

    # The phone typed as digits only, as an agent reads it on a call
    search(sao, re.sub(r'\D', '', phone)[2:])
    assert set(shown_numbers(sao)) == by_phone

    # The number still
    search(sao, cases[0]['number'])
    assert shown_numbers(sao) == [cases[0]['number']]


def test_due_soon_tab(desktop, rpc):
    """The Due Soon tab lists the open cases due today up to the reminder
    days (business days) ahead, soonest first"""
    sao = desktop
    reminder_days, = [c['reminder_days'] for c in rpc('admin').read(
            'customer_care.configuration', [1], ['reminder_days'])]
    cases = rpc('agente').search_read('customer_care.case', [
            ('state', 'in', OPEN_STATES),
            ], ['number', 'days_remaining', 'due_date'])
    expected = {c['number'] for c in cases
        if c['days_remaining'] is not None
        and 0 <= c['days_remaining'] <= reminder_days}
    assert expected  # the demo has cases due soon
    due_dates = {c['number']: c['due_date'] for c in cases}

    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    # The tab counts them (sao fills the counters after the list)
    tab = sao.tab.get_by_role('tab', name=re.compile('^Por vencer'))
    expect(tab).to_have_text(re.compile(r'Por vencer\s*%d$' % len(expected)))
    sao.list_tab('Por vencer')
    shown = shown_numbers(sao)
    assert set(shown) == expected
    assert [due_dates[n] for n in shown] == sorted(
        due_dates[n] for n in shown)
    for row in columns(sao):
        assert 0 <= int(row['Días restantes'][0]) <= reminder_days


def test_open_cases_by_due_date(desktop, rpc):
    "The Open tab shows the soonest due first, those without due date last"
    sao = desktop
    cases = rpc('agente').search_read('customer_care.case', [
            ('state', 'in', OPEN_STATES),
            ], ['number', 'due_date', 'received'])
    assert len({c['due_date'] for c in cases}) > 3
    # Same due date: the last received first
    cases.sort(key=lambda c: c['received'], reverse=True)
    cases.sort(key=lambda c: (c['due_date'] is None, c['due_date']))
    expected = [c['number'] for c in cases]
    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    shown = shown_numbers(sao)
    # sao shows the first rows until the list is scrolled
    assert len(shown) >= min(len(expected), 20)
    assert shown == expected[:len(shown)]


def test_sla_status_column_and_filter(desktop, rpc):
    "The SLA status is a coloured column and a filter of the search box"
    sao = desktop
    statuses = {c['number']: c['sla_status'] for c in rpc('agente').search_read(
            'customer_care.case', [], ['number', 'sla_status'])}
    assert {'breached', 'running'} <= set(statuses.values())

    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    sao.list_tab('Todo')
    rows = columns(sao)
    assert rows and all('Estado ANS' in r for r in rows)
    for row in rows:
        number = NUMBER.search(row['Número'][0]).group()
        text, classes = row['Estado ANS']
        status = statuses[number]
        if status:
            assert text == SLA_LABELS[status], number
            assert SLA_VISUALS[status] in classes.split(), (number, classes)
        else:
            assert text == '', number
            assert not set(SLA_VISUALS.values()) & set(classes.split())

    for status in ['breached', 'running']:
        search(sao, f'Estado ANS: "{SLA_LABELS[status]}"')
        rows = columns(sao)
        assert {NUMBER.search(r['Número'][0]).group() for r in rows} == {
            n for n, s in statuses.items() if s == status}
        assert all(r['Estado ANS'][0] == SLA_LABELS[status]
            and SLA_VISUALS[status] in r['Estado ANS'][1].split()
            for r in rows)


def test_new_case_due_date_on_first_tab(desktop, rpc):
    "Saving a new case shows its due date and days left on the first tab"
    sao = desktop
    subject = "Medidor sin lectura (prueba lista de casos)"
    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    sao.page.keyboard.press('Alt+n')
    sao.form.wait_for()
    sao.idle()
    pick(sao, 'customer', 'Hotel Puerta del Mar')
    sao.type(sao.field('subject'), subject)
    sao.press('Tab')
    assert not sao.field('due_date').input_value()
    sao.save()
    assert sao.message() is None

    case, = rpc('agente').search_read('customer_care.case', [
            ('subject', '=', subject)], ['due_date', 'days_remaining', 'state'])
    assert case['state'] == 'draft'
    assert case['due_date'] and case['days_remaining'] is not None
    # Shown on the first tab, without opening another one
    due_date = sao.field('due_date')
    assert due_date.is_visible()
    assert due_date.input_value() == case['due_date'].strftime('%d/%m/%Y')
    days = sao.field('days_remaining')
    assert days.is_visible()
    assert days.input_value() == str(case['days_remaining'])


def test_company_time_in_another_time_zone(new_sao, rpc):
    """In a browser in Tokyo, the case shows when it was received and its
    deadline in the company's zone (Bogotá), on which the term is counted"""
    sao = new_sao(timezone_id='Asia/Tokyo')
    case, = rpc('agente').search_read('customer_care.case', [
            ('state', '=', 'assigned'), ('deadline', '!=', None),
            ], ['number', 'received', 'deadline'], limit=1)
    bogota, tokyo = ZoneInfo('America/Bogota'), ZoneInfo('Asia/Tokyo')

    def local(value, zone):
        return value.replace(tzinfo=dt.timezone.utc).astimezone(zone)

    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    sao.open_row(case['number'])
    # sao shows the date-time field in the browser's zone
    assert sao.field('received').input_value() == local(
        case['received'], tokyo).strftime('%d/%m/%Y %H:%M:%S')
    # and the company's times next to it
    received = sao.field('received_company')
    assert received.is_visible()
    assert received.input_value().replace('\xa0', ' ') == local(
        case['received'], bogota).strftime('%d/%m/%Y %H:%M (America/Bogota)')
    assert sao.field('deadline_company').input_value().replace(
        '\xa0', ' ') == local(case['deadline'], bogota).strftime(
        '%d/%m/%Y %H:%M (America/Bogota)')
