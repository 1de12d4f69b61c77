# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Sphinx configuration of the customer_care documentation"
import configparser
import os

_module_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_config = configparser.ConfigParser()
with open(os.path.join(_module_dir, 'tryton.cfg')) as _file:
    _config.read_file(_file)
_version = _config.get('tryton', 'version')
_series = '.'.join(_version.split('.', 2)[:2])
_depends = _config.get('tryton', 'depends', fallback='').split()
_modules = sorted(set(_depends) - {'ir', 'res'})

project = 'Tryton Customer Care Module'
html_title = 'Customer Care Module'
master_doc = 'index'
release = version = _series
default_role = 'ref'
highlight_language = 'none'
exclude_patterns = ['**/*.inc.rst']
extensions = [
    'sphinx.ext.intersphinx',
    ]
intersphinx_mapping = {
    'trytond': ('https://docs.tryton.org/%s/server/' % _series, None),
    }
intersphinx_mapping.update({
        m: ('https://docs.tryton.org/%s/modules-%s/' % (
                _series, m.replace('_', '-')), None)
        for m in _modules})

del configparser, os, _file, _config, _depends, _modules, _module_dir
