# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The regulator export: saved layouts with their columns and code maps, the
CSV and the XLSX read back, the filters of the wizard, the errors, the
formulas neutralised and the record rules of the user who exports."""
import csv
import datetime as dt
import io

from trytond.modules.company.tests import set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.transaction import Transaction

key_db_cache()

from openpyxl import load_workbook  # noqa: E402

from trytond.modules.customer_care.models.exceptions import (  # noqa: E402
    RegulatorLayoutValidationError)
from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402

TIMEZONE = 'America/Bogota'
# A layout modelled on the complaint report of the Superintendencia
# Financiera: header, source, constant
COLUMNS = [
    ("Entidad", 'constant', '1-23'),
    ("Codigo queja", 'number', None),
    ("Fecha creacion", 'received', None),
    ("Pais", 'customer.country_code', None),
    ("Departamento", 'customer.subdivision_code', None),
    ("Municipio", 'customer.city', None),
    ("Nombres", 'customer.name', None),
    ("Tipo id", 'customer.identifier_type', None),
    ("Numero id", 'customer.identifier_code', None),
    ("Canal", 'channel', None),
    ("Tipo", 'kind', None),
    ("Producto", 'service.code', None),
    ("Motivo", 'regulator_classification.code', None),
    ("Estado", 'state', None),
    ("Fecha actualizacion", 'write_day', None),
    ("Fecha cierre", 'closed_date', None),
    ("Vencimiento", 'due_date', None),
    ("Contacto", 'contact_name', None),
    ("Telefono", 'contact_phone', None),
    ("Prorroga", 'extended', None),
    ]
CODES = [
    ('channel', 'email', '4'),
    ('channel', 'phone', '2'),
    ('kind', 'complaint', 'Q'),
    ('kind', 'claim', 'R'),
    ('customer.identifier_type', 'co_vat', '3'),
    ('extended', '1', 'S'),
    ('extended', '0', 'N'),
    ]


def local(*args):
    "Return the stored (naive UTC) datetime of a Bogotá time"
    return dt.datetime(*args) + dt.timedelta(hours=5)


def create_layout(format_='xlsx', columns=COLUMNS, codes=CODES, **values):
    "Return a saved layout with the columns and code map"
    pool = Pool()
    Layout = pool.get('customer_care.regulator.layout')
    Code = pool.get('customer_care.regulator.layout.code')
    layout, = Layout.create([{
                'name': "SFC Quejas",
                'format': format_,
                'columns': [('create', [{
                                'sequence': i,
                                'header': header,
                                'source': source,
                                'constant': constant,
                                } for i, (header, source, constant)
                            in enumerate(columns)])],
                **values,
                }])
    by_source = {c.source: c for c in layout.columns}
    Code.create([{
                'layout': layout.id,
                'column': by_source[source].id,
                'value': value,
                'code': code,
                } for source, value, code in codes if source in by_source])
    return Layout(layout.id)


class RegulatorExportTestCase(tools.ModuleDatabaseTestCase):
    "Test the regulator export"

    def setup_cases(self):
        """Create a company in Bogotá, a customer with identifier and
        address and three registered cases; return (company, cases)"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Configuration = pool.get('customer_care.configuration')
        Subdivision = pool.get('country.subdivision')
        Classification = pool.get('customer_care.regulator_classification')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        company, customer = tools.create_company_customer(
            timezone=TIMEZONE,
            customer={'name': "Ana Pérez"})
        # The country made by the set-up, not any other of code CO
        colombia = Configuration(1).holiday_country
        atlantico = Subdivision(
            name="Atlántico", code='CO-ATL', country=colombia, type='department')
        atlantico.save()
        address, = customer.addresses or [None]
        if address is None:
            address = pool.get('party.address')(party=customer)
        address.country = colombia
        address.subdivision = atlantico
        address.city = "Barranquilla"
        address.save()
        identifier = pool.get('party.identifier')(
            party=customer, type='co_vat', code='9001234568')
        identifier.save()
        classification = Classification(name="Cobro", code='SFC-102')
        classification.save()
        unit = Uom(pool.get('ir.model.data').get_id('product', 'uom_unit'))
        template = Template(
            name="Cuenta de ahorros", type='service', default_uom=unit,
            products=[{'suffix_code': 'AH01'}])
        template.save()
        service, = template.products
        with set_company(company):
            cases = Case.create([{
                        'customer': customer.id,
                        'subject': "Cobro doble",
                        'kind': 'complaint',
                        'channel': 'email',
                        'received': local(2026, 3, 2, 9, 15),
                        'service': service.id,
                        'regulator_classification': classification.id,
                        'contact_name': "Ana Pérez",
                        'contact_phone': "+57 300 123 4567",
                        }, {
                        'customer': customer.id,
                        'subject': "Tarjeta bloqueada",
                        'kind': 'claim',
                        'channel': 'phone',
                        'received': local(2026, 3, 3, 16, 40),
                        }, {
                        'customer': customer.id,
                        'subject': "Sugerencia",
                        'kind': 'suggestion',
                        'channel': 'web',
                        'received': local(2026, 3, 4, 8, 0),
                        }])
            Case.register(cases)
        return company, Case.browse(cases)

    def expected_row(self, case):
        "Return the row the layout should give for the case"
        write = case.write_date or case.create_date
        return [
            '1-23',
            case.number,
            (case.received - dt.timedelta(hours=5)).isoformat() + '-05:00',
            'CO', 'CO-ATL', 'Barranquilla', "Ana Pérez", '3', '9001234568',
            {'email': '4', 'phone': '2'}.get(case.channel, case.channel),
            {'complaint': 'Q', 'claim': 'R'}.get(case.kind, case.kind),
            case.service.code if case.service else None,
            (case.regulator_classification.code
                if case.regulator_classification else None),
            case.state,
            (write - dt.timedelta(hours=5)).date().isoformat(),
            None,
            case.due_date.isoformat(),
            case.contact_name,
            case.contact_phone,
            'N',
            ]

    @with_transaction()
    def test_export_xlsx_read_back(self):
        "Every cell of the XLSX read back is the case's value or code"
        company, cases = self.setup_cases()
        with set_company(company):
            layout = create_layout('xlsx')
            data = layout.export(cases)
        sheet = load_workbook(io.BytesIO(data)).active
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertEqual(rows[0], [h for h, _, _ in COLUMNS])
        self.assertEqual(rows[1:], [self.expected_row(c) for c in cases])
        # The dates are text in ISO 8601, not numbers Excel would format
        self.assertEqual(sheet.cell(2, 3).data_type, 's')
        self.assertEqual(rows[1][2][:19], '2026-03-02T09:15:00')
        self.assertEqual(layout.file_name(dt.date(2026, 4, 1)),
            'SFC_Quejas-2026-04-01.xlsx')

    @with_transaction()
    def test_export_csv(self):
        "The CSV has the header and the rows, in the layout's delimiter"
        company, cases = self.setup_cases()
        with set_company(company):
            layout = create_layout(
                'csv', csv_delimiter=';', csv_encoding='utf-8-sig')
            data = layout.export(cases)
        self.assertTrue(data.startswith('\ufeff'.encode('utf-8')))
        rows = list(csv.reader(
                io.StringIO(data.decode('utf-8-sig')), delimiter=';'))
        self.assertEqual(rows[0], [h for h, _, _ in COLUMNS])
        self.assertEqual(rows[1:], [
                ['' if v is None else str(v) for v in self.expected_row(c)]
                for c in cases])

    @with_transaction()
    def test_export_csv_encoding_error(self):
        "A text the CSV encoding lacks is a clear error, not a lost character"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, cases = self.setup_cases()
        with set_company(company):
            Case.write([cases[0]], {'contact_name': "Nguyễn"})
            layout = create_layout('csv', csv_encoding='cp1252')
            with self.assertRaisesRegex(Exception, 'Nguyễn'):
                layout.export(cases)

    @with_transaction()
    def test_closed_and_extended(self):
        "A closed, extended case gives its closing date-time and S"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, cases = self.setup_cases()
        case = cases[0]
        closed = local(2026, 3, 20, 17, 5, 9)
        Case.write([case], {
                'extension_duration': 10, 'closed_date': closed,
                'state': 'closed'})
        with set_company(company):
            layout = create_layout('xlsx')
            data = layout.export([case])
        row = [c.value for c in list(
                load_workbook(io.BytesIO(data)).active.iter_rows())[1]]
        self.assertEqual(row[15], '2026-03-20T17:05:09-05:00')
        self.assertEqual(row[19], 'S')
        self.assertEqual(row[13], 'closed')

    @with_transaction()
    def test_unknown_source(self):
        "An unknown source is a clear error and nothing of the layout is saved"
        pool = Pool()
        Layout = pool.get('customer_care.regulator.layout')
        Column = pool.get('customer_care.regulator.layout.column')
        company, _ = self.setup_cases()
        with self.assertRaises(RegulatorLayoutValidationError) as context:
            create_layout(columns=COLUMNS[:2] + [
                    ("Favor", 'in_favour_of', None)])
        self.assertIn('"Favor"', context.exception.message)
        self.assertIn('in_favour_of', context.exception.message)
        self.assertEqual(Layout.search([], count=True), 0)
        self.assertEqual(Column.search([], count=True), 0)

        layout = create_layout()
        with self.assertRaises(RegulatorLayoutValidationError):
            Column.write([layout.columns[0]], {'source': 'password'})
        self.assertEqual(Column(layout.columns[0].id).source, 'constant')

    @with_transaction()
    def test_code_value_of_selection(self):
        "A code for a value the selection has not is refused"
        pool = Pool()
        Code = pool.get('customer_care.regulator.layout.code')
        self.setup_cases()
        layout = create_layout(codes=[])
        channel, = [c for c in layout.columns if c.source == 'channel']
        with self.assertRaisesRegex(
                RegulatorLayoutValidationError, 'e-mail'):
            Code.create([{
                        'layout': layout.id, 'column': channel.id,
                        'value': 'e-mail', 'code': '4'}])

    @with_transaction()
    def test_formula_neutralised(self):
        "Texts a spreadsheet would take for formulas start with an apostrophe"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, cases = self.setup_cases()
        hostile = [
            '=HYPERLINK("http://evil.example","x")', '+cmd|" /C calc"!A0',
            "-2+3+cmd|' /C calc'!A0", '@SUM(1+1)', '\t=1+1']
        columns = [("Asunto", 'subject', None), ("Contacto", 'contact_name',
                None), ("Telefono", 'contact_phone', None)]
        with set_company(company):
            for text in hostile:
                Case.write([cases[0]], {
                        'subject': text, 'contact_name': text,
                        'contact_phone': '+57 (300) 123.4567'})
                for format_ in ['xlsx', 'csv']:
                    layout = create_layout(
                        format_, columns=columns, codes=[], header=False,
                        name=text)
                    data = layout.export([cases[0]])
                    if format_ == 'xlsx':
                        sheet = load_workbook(io.BytesIO(data)).active
                        cells = list(sheet.iter_rows())[0]
                        for cell in cells:
                            self.assertEqual(cell.data_type, 's')
                        row = [c.value for c in cells]
                    else:
                        row, = csv.reader(io.StringIO(data.decode()))
                    # Char fields strip the leading tab
                    stored = Case(cases[0].id).subject
                    self.assertTrue(stored.startswith(('=', '+', '-', '@')))
                    self.assertEqual(row, ["'" + stored, "'" + stored,
                            '+57 (300) 123.4567'], (text, format_))

    @with_transaction()
    def test_wizard_filters(self):
        """The wizard exports the cases received in the period, in the
        company's time zone, of the kinds, channels and classifications"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Export = pool.get('customer_care.regulator.export', type='wizard')
        company, cases = self.setup_cases()
        # 23:59 local on the 1st is 04:59 UTC on the 2nd; 00:00 local on the
        # 5th is 05:00 UTC
        with set_company(company):
            edges = Case.create([{
                        'customer': cases[0].customer.id,
                        'subject': "Edge %s" % i,
                        'kind': 'complaint', 'channel': 'email',
                        'received': received,
                        } for i, received in enumerate([
                            local(2026, 3, 1, 23, 59), local(2026, 3, 5)])])
            Case.register(edges)
            layout = create_layout('xlsx', columns=[
                    ("Codigo", 'number', None)], codes=[])

        def export(**values):
            with set_company(company):
                session_id, _, _ = Export.create()
                start = {
                    'layout': layout.id, 'company': company.id,
                    'from_date': dt.date(2026, 3, 2),
                    'to_date': dt.date(2026, 3, 4),
                    'kinds': [], 'channels': [],
                    'regulator_classifications': [], 'cases': [],
                    }
                start.update(values)
                result = Export.execute(session_id, {'start': start}, 'export')
                Export.delete(session_id)
            values = result['view']['defaults']
            sheet = load_workbook(io.BytesIO(values['file'])).active
            numbers = [r[0].value for r in list(sheet.iter_rows())[1:]]
            self.assertEqual(values['count'], len(numbers))
            self.assertTrue(values['file_name'].endswith('.xlsx'))
            return numbers

        numbers = [c.number for c in cases]
        self.assertEqual(export(), numbers)
        self.assertEqual(
            export(from_date=dt.date(2026, 3, 1),
                to_date=dt.date(2026, 3, 5)),
            [edges[0].number] + numbers + [edges[1].number])
        self.assertEqual(export(kinds=['claim', 'suggestion']), numbers[1:])
        self.assertEqual(export(channels=['email']), numbers[:1])
        self.assertEqual(
            export(regulator_classifications=[
                    cases[0].regulator_classification.id]),
            numbers[:1])
        # Run from the list, the wizard proposes the selected cases
        with set_company(company), Transaction().set_context(
                active_model='customer_care.case',
                active_ids=[cases[1].id, edges[1].id],
                active_id=cases[1].id):
            session_id, _, _ = Export.create()
            defaults = Export.execute(session_id, {}, 'start')['view'][
                'defaults']
            Export.delete(session_id)
        self.assertEqual(
            sorted(defaults['cases']), sorted([cases[1].id, edges[1].id]))
        self.assertEqual(defaults['company'], company.id)
        # The selected cases of the list, whatever the period
        self.assertEqual(
            export(cases=[edges[1].id, cases[1].id]),
            [cases[1].number, edges[1].number])

    @with_transaction()
    def test_wizard_record_rules(self):
        """An account manager exports only the cases of the customers they
        manage, although the wizard runs without checking access"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Export = pool.get('customer_care.regulator.export', type='wizard')
        company, cases = self.setup_cases()
        manager = User(
            login='manager', name="Manager", companies=[company],
            company=company, groups=[ModelData.get_id(
                    'customer_care', 'group_account_manager')])
        manager.save()
        other = Party(name="Other", account_manager=None)
        other.save()
        Party.write([cases[0].customer], {'account_manager': manager.id})
        with set_company(company):
            others = Case.create([{
                        'customer': other.id, 'subject': "Not managed",
                        'kind': 'complaint', 'channel': 'email',
                        'received': local(2026, 3, 3, 10, 0),
                        }])
            Case.register(others)
            layout = create_layout('csv', columns=[
                    ("Codigo", 'number', None),
                    ("Nombres", 'customer.name', None)], codes=[])
        transaction = Transaction()
        with transaction.set_user(manager.id), \
                transaction.set_context(
                    company=company.id, companies=[company.id]):
            session_id, _, _ = Export.create()
            result = Export.execute(session_id, {'start': {
                        'layout': layout.id, 'company': company.id,
                        'from_date': dt.date(2026, 3, 1),
                        'to_date': dt.date(2026, 3, 31),
                        'kinds': [], 'channels': [],
                        'regulator_classifications': [],
                        'cases': [],
                        }}, 'export')
            # Selected cases the user cannot read are not exported either
            session_id2, _, _ = Export.create()
            selected = Export.execute(session_id2, {'start': {
                        'layout': layout.id, 'company': company.id,
                        'cases': [others[0].id, cases[0].id],
                        'kinds': [], 'channels': [],
                        'regulator_classifications': [],
                        }}, 'export')
        rows = list(csv.reader(io.StringIO(
                    result['view']['defaults']['file'].decode())))
        self.assertEqual(rows[1:], [
                [c.number, "Ana Pérez"] for c in cases])
        rows = list(csv.reader(io.StringIO(
                    selected['view']['defaults']['file'].decode())))
        self.assertEqual(rows[1:], [[cases[0].number, "Ana Pérez"]])
