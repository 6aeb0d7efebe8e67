#include "engine/rules/dsa_schema.h"

#include <algorithm>

namespace moderation::rules {

const std::vector<std::string_view>& DsaStatementCategories() {
  static const std::vector<std::string_view> kValues = {
      "STATEMENT_CATEGORY_ANIMAL_WELFARE",
      "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
      "STATEMENT_CATEGORY_CYBER_VIOLENCE",
      "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
      "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
      "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
      "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
      "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
      "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
      "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
      "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
      "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
      "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
      "STATEMENT_CATEGORY_SELF_HARM",
      "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
      "STATEMENT_CATEGORY_VIOLENCE"};
  return kValues;
}

const std::vector<std::string_view>& DsaDecisionVisibilities() {
  static const std::vector<std::string_view> kValues = {
      "DECISION_VISIBILITY_CONTENT_REMOVED",
      "DECISION_VISIBILITY_CONTENT_DISABLED",
      "DECISION_VISIBILITY_CONTENT_DEMOTED",
      "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
      "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
      "DECISION_VISIBILITY_CONTENT_LABELLED",
      "DECISION_VISIBILITY_OTHER"};
  return kValues;
}

const std::vector<std::string_view>& DsaDecisionGrounds() {
  static const std::vector<std::string_view> kValues = {"DECISION_GROUND_ILLEGAL_CONTENT",
                                                        "DECISION_GROUND_INCOMPATIBLE_CONTENT"};
  return kValues;
}

const std::vector<std::string_view>& DsaAutomatedDecisions() {
  static const std::vector<std::string_view> kValues = {"AUTOMATED_DECISION_FULLY",
                                                        "AUTOMATED_DECISION_PARTIALLY",
                                                        "AUTOMATED_DECISION_NOT_AUTOMATED"};
  return kValues;
}

const std::vector<std::string_view>& DsaContentTypes() {
  static const std::vector<std::string_view> kValues = {"CONTENT_TYPE_APP",
                                                        "CONTENT_TYPE_AUDIO",
                                                        "CONTENT_TYPE_IMAGE",
                                                        "CONTENT_TYPE_PRODUCT",
                                                        "CONTENT_TYPE_SYNTHETIC_MEDIA",
                                                        "CONTENT_TYPE_TEXT",
                                                        "CONTENT_TYPE_VIDEO",
                                                        "CONTENT_TYPE_OTHER"};
  return kValues;
}

const std::vector<std::string_view>& DsaSourceTypes() {
  static const std::vector<std::string_view> kValues = {
      "SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION",
      "SOURCE_VOLUNTARY"};
  return kValues;
}

const std::vector<std::string_view>& DsaTerritories() {
  // The 27 EU member states plus Iceland, Liechtenstein and Norway (EEA).
  static const std::vector<std::string_view> kValues = {
      "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
      "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"};
  return kValues;
}

bool IsDsaValue(const std::vector<std::string_view>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace moderation::rules
