/* This file is part of customer_care.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms. */
/* The panels of a dashboard keep the domain of their action: sao 8.0.11
   computes the domain of a board action (update_domain) but never gives it
   to the list or graph of the panel, so every panel showed all the records
   of its model (the desktop client gives it). The panel's screen is made
   right after its first update_domain: it is given the action's domain
   array, which update_domain changes in place afterwards (the trend of the
   indicator selected in another panel). */
(function() {
    'use strict';
    if (!window.Sao || !Sao.Screen || !Sao.View || !Sao.View.Board ||
            !Sao.View.Board.Action || Sao.View.Board.__customer_care_domain) {
        return;
    }
    Sao.View.Board.__customer_care_domain = true;
    var pending = null;

    var update_domain = Sao.View.Board.Action.prototype.update_domain;
    if (!update_domain) {
        console.warn('customer_care: board domain fix not applied');
        return;
    }
    Sao.View.Board.Action.prototype.update_domain = function(actions) {
        if (!this.screen && this.action) {
            pending = this;
        }
        return update_domain.apply(this, arguments);
    };

    var init = Sao.Screen.prototype.init;
    Sao.Screen.prototype.init = function(model_name, attributes) {
        var action = pending;
        pending = null;
        init.apply(this, arguments);
        if (action && action.action && !action.screen &&
                action.action.res_model == model_name &&
                jQuery.isEmptyObject(this.domain)) {
            this.domain = action.domain;
        }
    };
}());
