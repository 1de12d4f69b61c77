/* This file is part of customer_care.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms. */
/* The rows of a list with a context form (the period of the contract
   fulfilment, the campaign of the survey results) follow that form: sao 8.0
   searches again only when Enter is pressed in it, so the list kept showing
   the rows of the previous period while its header showed the new figures.
   When an editable field of the context form changes, the list is searched
   again (once the changes have settled). */
(function() {
    'use strict';
    if (!window.Sao || !Sao.Screen || Sao.Screen.__customer_care_context) {
        return;
    }
    Sao.Screen.__customer_care_context = true;
    var DELAY = 300;

    // The values of the editable fields of the context form
    function context_key(screen) {
        var record = screen.current_record;
        if (!record) {
            return null;
        }
        var values = record.get_on_change_value();
        var key = {};
        for (var name in values) {
            var field = screen.model.fields[name];
            if (name == 'id' || !field || field.description.readonly) {
                continue;
            }
            key[name] = values[name];
        }
        return JSON.stringify(key);
    }

    var search_filter = Sao.Screen.prototype.search_filter;
    Sao.Screen.prototype.search_filter = function(search_string, only_ids) {
        var context_screen = this.context_screen;
        if (context_screen && !only_ids) {
            context_screen.__customer_care_parent = this;
            this.__customer_care_key = context_key(context_screen);
        }
        return search_filter.apply(this, arguments);
    };

    var record_modified = Sao.Screen.prototype.record_modified;
    Sao.Screen.prototype.record_modified = function() {
        var result = record_modified.apply(this, arguments);
        var parent = this.__customer_care_parent;
        if (parent) {
            window.clearTimeout(this.__customer_care_timer);
            this.__customer_care_timer = window.setTimeout(() => {
                var key = context_key(this);
                if (key === null || key == parent.__customer_care_key) {
                    return;
                }
                parent.search_filter(parent.screen_container.get_text());
            }, DELAY);
        }
        return result;
    };
}());
