/* This file is part of customer_care.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms. */
/* Fixes of two widgets of the Tryton web client (sao 8.0) that lose data
 * (customer_care issue 10, see doc/design/web_client.rst).
 *
 * sao's index.html loads custom.js after tryton-sao.js; the module serves
 * this file at /custom.js (routes.py).  A company that ships its own
 * custom.js must include this file in it.
 *
 * 1. Selection: when the form is redisplayed, set_selection empties the
 *    <select> and refills it, and the value is put back only later
 *    (asynchronously, in display_update_selection).  Meanwhile the list shows
 *    its first option, and a button clicked then (Screen.button calls
 *    set_value on every widget) wrote that first option into the record:
 *    a complaint became a compliment, the approval answers became empty.
 *    The patch keeps the current value selected while the options are
 *    rebuilt, and set_value writes nothing from a read-only widget or from
 *    a widget whose options are being rebuilt.
 * 2. MultiSelection: a mousedown on an option is cancelled to toggle the
 *    option, so the input being typed in keeps the focus and never commits
 *    its text; the redisplay then wrote the empty stored value back into it.
 *    The patch commits the focused input first, then toggles the option.
 *
 * Each patch applies only to the sao versions and the code it was written
 * for; otherwise it does nothing and says so in the console.
 */
(function() {
    'use strict';
    var TAG = '[customer_care custom.js]';
    if (typeof Sao === 'undefined' || !Sao.View || !Sao.View.Form) {
        return;
    }
    var version = (Sao.__version__ || '').split('.');
    if (version[0] !== '8' || version[1] !== '0') {
        console.warn(TAG, 'sao', Sao.__version__, 'not patched');
        return;
    }

    function source_has(func, snippets) {
        var source = String(func);
        return snippets.every(function(snippet) {
            return source.indexOf(snippet) >= 0;
        });
    }

    Sao.customer_care_patches = [];

    // 1. Selection
    var Selection = Sao.View.Form.Selection;
    var proto = Selection && Selection.prototype;
    if (proto &&
            source_has(proto.set_selection, ['select.empty()']) &&
            source_has(proto.set_value, [
                'this.get_value()', 'this.field.set_client(']) &&
            source_has(proto.display_update_selection, [
                'this.update_selection(', 'this.select.val(']) &&
            typeof proto.display === 'function') {
        var set_selection = proto.set_selection;
        var set_value = proto.set_value;
        var display_update_selection = proto.display_update_selection;

        // The value the <select> must show: the record's, or else the one
        // it showed before its options were rebuilt
        var current_value = function(widget, previous) {
            var record = widget.record, field = widget.field;
            var multiple = widget.select.prop('multiple');
            if (record && field) {
                if (multiple) {
                    return (field.get_eval(record) || []).map(function(e) {
                        return JSON.stringify(e);
                    });
                }
                return JSON.stringify(field.get(record));
            }
            return previous;
        };

        proto.set_selection = function(selection, help) {
            var previous = this.select ? this.select.val() : null;
            var result = set_selection.call(this, selection, help);
            if (this.select) {
                var value = current_value(this, previous);
                if (value !== null && value !== undefined) {
                    var values = Array.isArray(value) ? value : [value];
                    var options = this.select.find('option');
                    var known = values.every(function(v) {
                        return options.filter(function() {
                            return this.value === v;
                        }).length;
                    });
                    if (known) {
                        this.select.val(value);
                    }
                }
            }
            return result;
        };

        proto.display_update_selection = function() {
            var token = {};
            this._cc_updating = token;
            var prm = display_update_selection.apply(this, arguments);
            var done = () => {
                if (this._cc_updating === token) {
                    this._cc_updating = null;
                }
            };
            if (prm && typeof prm.always === 'function') {
                prm.always(done);
                // sao never resolves it when the record changed meanwhile;
                // the next display replaces the token, this is a fallback
                setTimeout(done, 5000);
            } else {
                // MultiSelection updates synchronously and returns nothing
                done();
            }
            return prm;
        };

        proto.set_value = function() {
            if (this._readonly || this._cc_updating) {
                // A read-only list cannot have been changed by the user, and
                // a list being rebuilt does not show the record's value yet
                return;
            }
            return set_value.apply(this, arguments);
        };
        Sao.customer_care_patches.push('Selection');
    } else {
        console.warn(TAG, 'Selection of sao', Sao.__version__,
            'not patched: unknown code');
    }

    // 2. MultiSelection
    var MultiSelection = Sao.View.Form.MultiSelection;
    var mproto = MultiSelection && MultiSelection.prototype;
    if (mproto && source_has(mproto.init, [
                "this.select.on('mousedown', 'option'",
                'evt.preventDefault()',
                'evt.target.selected = !evt.target.selected',
                ])) {
        var init = mproto.init;
        mproto.init = function(view, attributes) {
            init.call(this, view, attributes);
            var select = this.select;
            // Replace sao's handler by one that commits the focused input
            // before it toggles the option
            select.off('mousedown');
            select.on('mousedown', 'option', (evt) => {
                evt.preventDefault();
                var element = select.get(0);
                var scroll = element.scrollTop;
                var option_value = evt.target.value;
                var selected = !evt.target.selected;
                var active = document.activeElement;
                if (active && active !== element &&
                        jQuery(active).is('input, textarea')) {
                    // The focus stays there (the event is cancelled), so its
                    // change event would never fire
                    jQuery(active).trigger('change');
                }
                // The commit may have redisplayed the form and rebuilt the
                // options: toggle the option that has the value now
                select.find('option').each(function() {
                    if (this.value === option_value) {
                        this.selected = selected;
                    }
                });
                select.trigger('change');
                setTimeout(() => element.scrollTop = scroll, 0);
            });
        };
        Sao.customer_care_patches.push('MultiSelection');
    } else {
        console.warn(TAG, 'MultiSelection of sao', Sao.__version__,
            'not patched: unknown code');
    }
}());
