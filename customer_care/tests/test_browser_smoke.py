# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The browser harness works: an agent logs in and sees the cases"


def test_agent_sees_cases(desktop, rpc):
    "agente logs in and opens Servicio al cliente › Casos: rows are listed"
    sao = desktop
    sao.login('agente')
    sao.open_menu('Servicio al cliente', 'Casos')
    rows = sao.rows()
    rows.first.wait_for()
    shown = ' '.join(rows.all_inner_texts())
    numbers = {c['number'] for c in rpc('agente').search_read(
            'customer_care.case', [], ['number'])}
    assert numbers
    assert any(number in shown for number in numbers), shown
