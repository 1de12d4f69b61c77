# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The coordinator's dashboard in the web client: the module's actions laid
out on the board, the indicators against their target and, for the one
clicked, its trend."""
import os

from playwright.sync_api import expect

IMAGES = os.path.join(
    os.path.dirname(__file__), '..', 'doc', 'images')
SNAPSHOT = 'customer_care.indicator.snapshot'
PANELS = [
    "Casos por vencer y vencidos por equipo",
    "Casos escalados por nivel",
    "Llamadas de satisfacción de hoy",
    "Indicadores frente a la meta",
    "Tendencia del indicador",
    "Acciones de mejora vencidas",
    ]


def test_coordinator_dashboard(desktop, rpc):
    "Servicio al cliente / Tablero, then a click on an indicator"
    coordinator = rpc('coordinador')
    last = coordinator.search_read(SNAPSHOT, [('last', '=', True)],
        ['indicator.name', 'indicator.measure', 'indicator'],
        order=[('indicator', 'ASC')])
    assert last, "the demo has no indicator snapshot"
    # the cases answered on time: the one with a trend to see in the doc
    chosen = next((s for s in last
            if s['indicator.']['measure'] == 'case_on_time'), last[0])
    trend = coordinator.search(
        SNAPSHOT, [('indicator', '=', chosen['indicator'])])
    assert len(trend) >= 2, "the demo indicator has no history"

    due = coordinator.search_read('customer_care.case',
        [('due_status', 'in', ['due_soon', 'overdue'])], ['team.name'])
    teams = {c['team.']['name'] for c in due if c.get('team.')}
    assert teams, "the demo has no case falling due with a team"

    sao = desktop
    # a coordinator's screen: the five panels side by side
    sao.page.set_viewport_size({'width': 1600, 'height': 1000})
    errors = []
    sao.page.on('pageerror', lambda error: errors.append(
            error.stack or str(error)))
    sao.page.on('console', lambda message: message.type == 'error'
        and errors.append(message.text))
    sao.login('coordinador')
    sao.open_menu('Servicio al cliente', 'Tablero')
    board = sao.tab.locator('.board')
    board.wait_for()
    sao.idle()
    assert not errors, errors
    titles = board.locator('.panel-heading')
    expect(titles).to_have_count(len(PANELS))
    assert [t.strip() for t in titles.all_inner_texts()] == PANELS

    # The cases panel draws a bar per team with cases falling due
    panels = board.locator('.panel')
    cases = panels.filter(has_text=PANELS[0]).locator('svg').first
    cases.wait_for()
    cases.locator('path.bb-bar').first.wait_for()
    # the labels of the bars are split into lines
    drawn = ''.join(cases.text_content().split())
    assert all(''.join(team.split()) in drawn for team in teams), (
        teams, drawn)

    # The indicators panel lists the last snapshot of each indicator
    indicators = panels.filter(has_text=PANELS[3])
    rows = indicators.locator('.treeview tbody tr:visible')
    expect(rows).to_have_count(len(last))
    start = len(sao.rpc_log)
    row = rows.filter(has_text=chosen['indicator.']['name']).first
    # a cell that is not the link to the indicator
    sao.click(row.locator('td[headers]:not(:has(a, button, input))').first)
    # The trend panel searches the snapshots of that indicator and draws
    # them
    sao.wait_call('search', start=start)
    sao.idle()
    selected = ['indicator.snapshots', '=', chosen['id']]
    assert any(selected in clauses(c['params'][0])
        for c in sao.calls(start, model=SNAPSHOT, method='search')), (
        sao.calls(start, model=SNAPSHOT))
    chart = panels.filter(has_text=PANELS[4]).locator('svg')
    chart.first.wait_for()
    if os.environ.get('CC_DOC_SCREENSHOTS'):
        # the whole board from its top left: the click scrolled it
        board.evaluate('''board => {
            for (const e of [board, ...board.querySelectorAll('*')]) {
                e.scrollTop = 0;
                e.scrollLeft = 0;
            }
            for (let e = board.parentElement; e; e = e.parentElement) {
                e.scrollTop = 0;
            }
        }''')
        sao.page.screenshot(path=os.path.join(IMAGES, 'dashboard.png'))


def clauses(domain):
    "The clauses of a domain, nested ones included"
    for item in domain:
        if isinstance(item, list):
            if item and isinstance(item[0], str) and len(item) >= 3 and (
                    item[0] not in {'AND', 'OR'}):
                yield item
            else:
                yield from clauses(item)
