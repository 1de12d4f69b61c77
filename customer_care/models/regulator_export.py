# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The regulator export: the cases of a period in the columns and codes of a
regulator's report (CSV or XLSX), as saved layouts.

A layout lists its columns, each read from a source the module knows
(SOURCES) and optionally translated by the layout's code map (the value of
the case, a selection key or a code, to the regulator's code).  The rows are
built set-based: one search of the cases, then a read of the fields the
columns need by batches, never a query per case.  Dates are ISO 8601: dates
YYYY-MM-DD, date-times in the company's time zone with its offset.  The
search and the reads go through the record rules and access rights of the
user who exports, also from the wizard (whose execution does not check them).
"""
import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .calendar import to_utc
from .case import CHANNELS, KINDS
from .exceptions import RegulatorExportError, RegulatorLayoutValidationError

FORMATS = [
    ('xlsx', "Excel (XLSX)"),
    ('csv', "CSV"),
    ]
DELIMITERS = [
    (',', "Comma"),
    (';', "Semicolon"),
    ('tab', "Tab"),
    ('|', "Vertical Bar"),
    ]
ENCODINGS = [
    ('utf-8', "UTF-8"),
    ('utf-8-sig', "UTF-8 with BOM (Excel)"),
    ('cp1252', "Windows-1252"),
    ]

# The sources of the columns: key, label, type and, for the case fields,
# the field read (a dotted path through the Many2One fields) or, for the
# customer's identifier and address, the field of party.identifier or
# party.address read
SOURCES = [
    ('number', "Number", 'char', 'number'),
    ('company', "Company", 'char', 'company.party.name'),
    ('kind', "Kind", 'selection', 'kind'),
    ('petition_kind', "Petition Kind", 'selection', 'petition_kind'),
    ('channel', "Channel", 'selection', 'channel'),
    ('priority', "Priority", 'selection', 'priority'),
    ('state', "State", 'selection', 'state'),
    ('subject', "Subject", 'char', 'subject'),
    ('received', "Received (Date and Time)", 'datetime', 'received'),
    ('received_day', "Received (Date)", 'day', 'received'),
    ('due_date', "Due Date", 'date', 'due_date'),
    ('answer_date', "Answer Date (Date and Time)", 'datetime', 'answer_date'),
    ('answer_day', "Answer Date (Date)", 'day', 'answer_date'),
    ('closed_date', "Closed Date (Date and Time)", 'datetime', 'closed_date'),
    ('closed_day', "Closed Date (Date)", 'day', 'closed_date'),
    ('write_date', "Last Update (Date and Time)", 'datetime', 'write_date'),
    ('write_day', "Last Update (Date)", 'day', 'write_date'),
    ('customer.name', "Customer Name", 'char', 'customer.name'),
    ('customer.code', "Customer Code", 'char', 'customer.code'),
    ('customer.identifier_type', "Customer Identifier Type",
        'identifier', 'type'),
    ('customer.identifier_code', "Customer Identifier Number",
        'identifier', 'code_compact'),
    ('customer.country_code', "Customer Country Code",
        'address', 'country.code'),
    ('customer.country', "Customer Country", 'address', 'country.name'),
    ('customer.subdivision_code', "Customer Subdivision Code",
        'address', 'subdivision.code'),
    ('customer.subdivision', "Customer Subdivision",
        'address', 'subdivision.name'),
    ('customer.city', "Customer City", 'address', 'city'),
    ('contact_name', "Contact Name", 'char', 'contact_name'),
    ('contact_email', "Contact E-mail", 'char', 'contact_email'),
    ('contact_phone', "Contact Phone", 'char', 'contact_phone'),
    ('service.code', "Service Code", 'char', 'service.code'),
    ('service.name', "Service Name", 'char', 'service.name'),
    ('quality_attribute.code', "Quality Attribute Code", 'char',
        'quality_attribute.code'),
    ('quality_attribute.name', "Quality Attribute", 'char',
        'quality_attribute.name'),
    ('regulator_classification.code', "Regulator Classification Code",
        'char', 'regulator_classification.code'),
    ('regulator_classification.name', "Regulator Classification", 'char',
        'regulator_classification.name'),
    ('regulator_reference', "Regulator Reference", 'char',
        'regulator_reference'),
    ('on_time', "On Time (1 or 0)", 'boolean', 'on_time'),
    ('extended', "Extended (1 or 0)", 'extended', 'extension_duration'),
    ('extension_duration', "Extension (Days)", 'integer',
        'extension_duration'),
    ('constant', "Constant Value", 'constant', None),
    ]
SOURCE_TYPES = {key: type_ for key, _, type_, _ in SOURCES}
SOURCE_PATHS = {key: path for key, _, _, path in SOURCES}
# The cases read by query
BATCH_SIZE = 1000
# A text a spreadsheet would take for a formula: starting with = + - @ or a
# tab or carriage return, unless it is a plain signed number or phone
_FORMULA_START = ('=', '+', '-', '@', '\t', '\r')
_PLAIN_NUMBER = re.compile(r'^[+-][\d\s().]*$')


def neutralise(text):
    """Return text with a leading apostrophe when a spreadsheet would read it
    as a formula (CSV or formula injection)"""
    if (text and text.startswith(_FORMULA_START)
            and not _PLAIN_NUMBER.match(text)):
        return "'" + text
    return text


def _read_path(values, path):
    "Return the value at the dotted path of a record read with its dots"
    *names, last = path.split('.')
    for name in names:
        values = values.get(name + '.')
        if not values:
            return None
    return values.get(last)


def _timezone(timezone):
    return ZoneInfo(timezone) if timezone else dt.timezone.utc


def iso_datetime(value, timezone):
    "Return the stored (naive UTC) value in ISO 8601 in the time zone"
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc).astimezone(
        _timezone(timezone)).isoformat(timespec='seconds')


def iso_day(value, timezone):
    "Return the local date of the stored value in ISO 8601"
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc).astimezone(
        _timezone(timezone)).date().isoformat()


def check_source(values):
    """Raise an error when the values of a column give an unknown source,
    before the validation of the selection, for an error that says which
    column and what to do"""
    if 'source' in values and values['source'] not in SOURCE_TYPES:
        raise RegulatorLayoutValidationError(gettext(
                'customer_care.msg_regulator_layout_column_source',
                column=values.get('header') or '',
                source=values['source']))


class Layout(ModelSQL, ModelView):
    __name__ = 'customer_care.regulator.layout'
    __string__ = "Regulator Layout"

    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One(
        'company.company', "Company",
        help="The company whose cases the layout exports; any when empty.")
    format = fields.Selection(FORMATS, "Format", required=True)
    header = fields.Boolean(
        "Header", help="Write the headers of the columns as first row.")
    csv_delimiter = fields.Selection(
        DELIMITERS, "CSV Delimiter", sort=False,
        states={
            'invisible': Eval('format') != 'csv',
            'required': Eval('format') == 'csv',
            })
    csv_encoding = fields.Selection(
        ENCODINGS, "CSV Encoding", sort=False,
        states={
            'invisible': Eval('format') != 'csv',
            'required': Eval('format') == 'csv',
            })
    columns = fields.One2Many(
        'customer_care.regulator.layout.column', 'layout', "Columns")
    codes = fields.One2Many(
        'customer_care.regulator.layout.code', 'layout', "Codes",
        help="The regulator's code of a value of a column.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_format():
        return 'xlsx'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # The columns created with the layout are checked before the layout
        # is saved, so that nothing of it is saved
        for action, *arguments in values.get('columns', []):
            if action == 'create':
                for column_values in arguments[0]:
                    check_source(column_values)
            elif action == 'write':
                for column_values in arguments[1::2]:
                    check_source(column_values)
        return values

    @staticmethod
    def default_header():
        return True

    @staticmethod
    def default_csv_delimiter():
        return ','

    @staticmethod
    def default_csv_encoding():
        return 'utf-8'

    def code_map(self):
        "Return the codes by column id and value"
        codes = {}
        for code in self.codes:
            codes.setdefault(code.column.id, {})[code.value] = code.code
        return codes

    def rows(self, cases):
        """Yield the rows of the cases (ids or records), as lists of values:
        text, integers or None"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Identifier = pool.get('party.identifier')
        Address = pool.get('party.address')
        columns = list(self.columns)
        codes = self.code_map()
        types = {SOURCE_TYPES[c.source] for c in columns}
        case_fields = {'id', 'customer', 'company.timezone'}
        identifier_fields, address_fields = {'party'}, {'party'}
        for column in columns:
            type_, path = SOURCE_TYPES[column.source], SOURCE_PATHS[column.source]
            if type_ == 'identifier':
                identifier_fields.add(path)
            elif type_ == 'address':
                address_fields.add(path)
            elif path:
                case_fields.add(path)
        ids = [int(c) for c in cases]
        with check_access():
            for sub_ids in grouped_slice(ids, BATCH_SIZE):
                sub_ids = list(sub_ids)
                records = {r['id']: r for r in Case.read(
                        sub_ids, sorted(case_fields))}
                party_ids = list({r['customer'] for r in records.values()})
                identifiers, addresses = {}, {}
                if 'identifier' in types:
                    identifiers = self._first_by_party(
                        Identifier, party_ids, identifier_fields)
                if 'address' in types:
                    addresses = self._first_by_party(
                        Address, party_ids, address_fields)
                for case_id in sub_ids:
                    values = records[case_id]
                    timezone = _read_path(values, 'company.timezone')
                    yield [self._value(
                            column, values, timezone,
                            identifiers.get(values['customer'], {}),
                            addresses.get(values['customer'], {}),
                            codes.get(column.id, {}))
                        for column in columns]

    @staticmethod
    def _first_by_party(Model, party_ids, field_names):
        "Return the values of the first record of each party (in its order)"
        records = Model.search([
                ('party', 'in', party_ids),
                ])
        result = {}
        for values in Model.read([r.id for r in records], sorted(field_names)):
            result.setdefault(values['party'], values)
        return result

    @staticmethod
    def _value(column, values, timezone, identifier, address, codes):
        type_, path = SOURCE_TYPES[column.source], SOURCE_PATHS[column.source]
        if type_ == 'constant':
            return column.constant
        if type_ == 'identifier':
            value = _read_path(identifier, path)
        elif type_ == 'address':
            value = _read_path(address, path)
        else:
            value = _read_path(values, path)
        if type_ == 'datetime':
            value = iso_datetime(value, timezone)
        elif type_ == 'day':
            value = iso_day(value, timezone)
        elif type_ == 'date':
            value = value.isoformat() if value else None
        elif type_ == 'boolean':
            value = int(bool(value))
        elif type_ == 'extended':
            value = int(bool(value and value > 0))
        if value is None or value == '':
            return None
        if str(value) in codes:
            return codes[str(value)]
        return value

    def headers(self):
        return [c.header for c in self.columns]

    def export(self, cases):
        "Return the file of the cases (ids or records) as bytes"
        rows = self.rows(cases)
        if self.format == 'csv':
            return self._csv(rows)
        return self._xlsx(rows)

    def _csv(self, rows):
        delimiter = '\t' if self.csv_delimiter == 'tab' else self.csv_delimiter
        stream = io.StringIO()
        writer = csv.writer(stream, delimiter=delimiter, lineterminator='\r\n')
        if self.header:
            writer.writerow([neutralise(h) for h in self.headers()])
        for row in rows:
            writer.writerow([
                    neutralise(v) if isinstance(v, str) else v
                    for v in row])
        text = stream.getvalue()
        try:
            return text.encode(self.csv_encoding)
        except UnicodeEncodeError as exception:
            raise RegulatorExportError(gettext(
                    'customer_care.msg_regulator_export_encoding',
                    layout=self.rec_name,
                    encoding=self.csv_encoding,
                    text=exception.object[
                        max(exception.start - 20, 0):exception.end + 20]))

    def _xlsx(self, rows):
        from openpyxl import Workbook
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(
            re.sub(r'[\\/*?:\[\]]', ' ', self.name)[:31].strip() or 'export')
        if self.header:
            sheet.append([neutralise(h) for h in self.headers()])
        for row in rows:
            sheet.append([
                    neutralise(v) if isinstance(v, str) else v
                    for v in row])
        stream = io.BytesIO()
        workbook.save(stream)
        return stream.getvalue()

    def file_name(self, date=None):
        "Return the name of the file of the layout on the date"
        name = re.sub(r'[^\w-]+', '_', self.name).strip('_') or 'export'
        date = date or dt.date.today()
        return f'{name}-{date.isoformat()}.{self.format}'


class Column(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'customer_care.regulator.layout.column'
    __string__ = "Regulator Layout Column"

    layout = fields.Many2One(
        'customer_care.regulator.layout', "Layout", required=True,
        ondelete='CASCADE')
    header = fields.Char(
        "Header", required=True,
        help="The name of the column in the regulator's report.")
    source = fields.Selection(
        [(k, s) for k, s, _, _ in SOURCES], "Source", required=True,
        sort=False, help="What the column shows of the case.")
    constant = fields.Char(
        "Constant",
        states={
            'invisible': Eval('source') != 'constant',
            },
        help="The value of every row, such as the entity code; "
        "empty for a column the module does not fill.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('layout')

    def get_rec_name(self, name):
        return self.header

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        check_source(values)
        return values


class Code(ModelSQL, ModelView):
    __name__ = 'customer_care.regulator.layout.code'
    __string__ = "Regulator Layout Code"

    layout = fields.Many2One(
        'customer_care.regulator.layout', "Layout", required=True,
        ondelete='CASCADE')
    column = fields.Many2One(
        'customer_care.regulator.layout.column', "Column", required=True,
        ondelete='CASCADE',
        domain=[
            ('layout', '=', Eval('layout', -1)),
            ])
    value = fields.Char(
        "Value", required=True,
        help="The value of the case as the column shows it without code: "
        "a key such as \"email\", a code, or 1 and 0.")
    code = fields.Char("Code", required=True, help="The regulator's code.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('layout')
        cls._order.insert(0, ('column', 'ASC'))
        cls._order.insert(1, ('value', 'ASC'))

    @classmethod
    def validate_fields(cls, codes, field_names):
        super().validate_fields(codes, field_names)
        if field_names & {'column', 'value'}:
            for code in codes:
                code.check_value()

    def check_value(self):
        "Raise an error when the value is not a key of a selection column"
        pool = Pool()
        Case = pool.get('customer_care.case')
        source = self.column.source
        if SOURCE_TYPES.get(source) == 'selection':
            keys = [k for k, _ in Case.fields_get([source])[source][
                    'selection'] if k]
        elif SOURCE_TYPES.get(source) in {'boolean', 'extended'}:
            keys = ['0', '1']
        else:
            return
        if self.value not in keys:
            raise RegulatorLayoutValidationError(gettext(
                    'customer_care.msg_regulator_layout_code_value',
                    value=self.value, column=self.column.rec_name,
                    values=', '.join(keys)))


class ExportStart(ModelView):
    __name__ = 'customer_care.regulator.export.start'
    __string__ = "Export to Regulator"

    layout = fields.Many2One(
        'customer_care.regulator.layout', "Layout", required=True,
        domain=[
            ('company', 'in', [None, Eval('company', -1)]),
            ])
    company = fields.Many2One('company.company', "Company", required=True)
    cases = fields.Many2Many(
        'customer_care.case', None, None, "Cases",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        help="The cases to export; when empty, the cases received in the "
        "period that match the filters.")
    from_date = fields.Date(
        "From Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ],
        states={
            'invisible': Bool(Eval('cases')),
            'required': ~Eval('cases'),
            },
        help="The first day received, in the company's time zone.")
    to_date = fields.Date(
        "To Date",
        states={
            'invisible': Bool(Eval('cases')),
            'required': ~Eval('cases'),
            },
        help="The last day received, in the company's time zone.")
    kinds = fields.MultiSelection(
        KINDS, "Kinds",
        states={
            'invisible': Bool(Eval('cases')),
            },
        help="Any kind when empty.")
    channels = fields.MultiSelection(
        CHANNELS, "Channels", sort=False,
        states={
            'invisible': Bool(Eval('cases')),
            },
        help="Any channel when empty.")
    regulator_classifications = fields.Many2Many(
        'customer_care.regulator_classification', None, None,
        "Regulator Classifications",
        states={
            'invisible': Bool(Eval('cases')),
            },
        help="Any classification (or none) when empty.")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def cases_domain(self):
        "Return the domain of the cases to export"
        if self.cases:
            return [
                ('id', 'in', [c.id for c in self.cases]),
                ('company', '=', self.company.id),
                ]
        start = to_utc(
            dt.datetime.combine(self.from_date, dt.time()), self.company)
        end = to_utc(
            dt.datetime.combine(
                self.to_date + dt.timedelta(days=1), dt.time()),
            self.company)
        domain = [
            ('company', '=', self.company.id),
            ('received', '>=', start),
            ('received', '<', end),
            ('state', '!=', 'draft'),
            ]
        if self.kinds:
            domain.append(('kind', 'in', list(self.kinds)))
        if self.channels:
            domain.append(('channel', 'in', list(self.channels)))
        if self.regulator_classifications:
            domain.append(('regulator_classification', 'in',
                    [c.id for c in self.regulator_classifications]))
        return domain


class ExportResult(ModelView):
    __name__ = 'customer_care.regulator.export.result'
    __string__ = "Export to Regulator"

    file = fields.Binary("File", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)
    count = fields.Integer("Cases", readonly=True)


class Export(Wizard):
    __name__ = 'customer_care.regulator.export'
    __string__ = "Export to Regulator"

    start = StateView(
        'customer_care.regulator.export.start',
        'customer_care.regulator_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-export', default=True),
            ])
    export = StateTransition()
    result = StateView(
        'customer_care.regulator.export.result',
        'customer_care.regulator_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        values = {}
        if (self.model and self.model.__name__ == 'customer_care.case'
                and self.records):
            values['cases'] = [c.id for c in self.records]
            values['company'] = self.records[0].company.id
        return values

    def transition_export(self):
        pool = Pool()
        Case = pool.get('customer_care.case')
        Date = pool.get('ir.date')
        layout = self.start.layout
        with check_access():
            cases = Case.search(
                self.start.cases_domain(),
                order=[('received', 'ASC'), ('id', 'ASC')])
        self.result.file = layout.export(cases)
        with Transaction().set_context(company=self.start.company.id):
            self.result.file_name = layout.file_name(Date.today())
        self.result.count = len(cases)
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'file_name': self.result.file_name,
            'count': self.result.count,
            }
