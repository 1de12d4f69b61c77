# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class ConfigurationValidationError(ValidationError):
    pass


class CaseValidationError(ValidationError):
    pass


class CaseError(UserError):
    pass


class ExtensionError(UserError):
    pass


class InformationRequestError(UserError):
    pass


class RoutingRuleValidationError(ValidationError):
    pass


class TermValidationError(ValidationError):
    pass


class SatisfactionRuleValidationError(ValidationError):
    pass


class SatisfactionCheckError(UserError):
    pass


class ReportError(UserError):
    pass


class ActionError(UserError):
    pass


class SlaValidationError(ValidationError):
    pass


class ContractValidationError(ValidationError):
    pass


class ReviewValidationError(ValidationError):
    pass


class ReviewError(UserError):
    pass


class ChangeRequestError(UserError):
    pass


class SurveyCampaignError(UserError):
    pass


class SurveyCampaignValidationError(ValidationError):
    pass


class SurveyAnswerValidationError(ValidationError):
    pass


class SurveyTokenError(UserError):
    pass


class ReadonlyFieldError(AccessError):
    pass


class ReclassifyError(UserError):
    pass


class PartyReplaceError(UserError):
    pass


class InboundEmailValidationError(ValidationError):
    pass


class WebFormValidationError(ValidationError):
    pass


class WebFormError(UserError):
    "A refusal of the public web form, whose text the customer reads"
    pass


class InboxIMAPValidationError(ValidationError):
    pass


class RegulatorLayoutValidationError(ValidationError):
    pass


class RegulatorExportError(UserError):
    pass


class SuggestionBoxRoundError(UserError):
    pass


class SuggestionBoxRoundValidationError(ValidationError):
    pass


class ForwardError(UserError):
    pass


class SuspensionError(UserError):
    pass


class IndicatorValidationError(ValidationError):
    pass


class RequirementError(UserError):
    pass


class ManagementReviewValidationError(ValidationError):
    pass
