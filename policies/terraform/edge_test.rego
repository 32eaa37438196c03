package main_test

import data.main

ed_denials(resources) := {m | some m in main.deny with input as {"resource": resources} with data.taggable_resource_types as [] with data.azure_regions as ["westeurope"] with data.aks_versions as {} with data.min_allowed_prefix as 16 with data.smallest_subnet_prefix as 29}

ed_about(ds, text) if {
	some d in ds
	contains(d, text)
}

ed_rule_sets := [{"type": "Microsoft_DefaultRuleSet", "version": "2.1", "action": "Block"}, {"type": "Microsoft_BotManagerRuleSet", "version": "1.1", "action": "Block"}]

ed_policy(tier, mode, rules) := {"azurerm_cdn_frontdoor_firewall_policy": {"waf": {"tags": {"tier": tier}, "mode": mode, "enabled": true, "managed_rule": rules}}}

ed_edge := {
	"azurerm_cdn_frontdoor_origin": {"o": {"private_link": {"private_link_target_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls"}}},
	"azurerm_cdn_frontdoor_custom_domain": {"d": {"tls": {"minimum_tls_version": "TLS12"}}},
	"azurerm_cdn_frontdoor_route": {"r": {"cdn_frontdoor_custom_domain_ids": ["${azurerm_cdn_frontdoor_custom_domain.d.id}"]}},
	"azurerm_cdn_frontdoor_security_policy": {"sp": {"security_policies": {"firewall": {"association": {"domain": [{"cdn_frontdoor_domain_id": "${azurerm_cdn_frontdoor_custom_domain.d.id}"}]}}}}},
}

test_production_prevention_edge_allowed if {
	count(ed_denials(object.union(ed_policy("production", "Prevention", ed_rule_sets), ed_edge))) == 0
}

test_production_detection_denied if {
	ed_about(ed_denials(ed_policy("production", "Detection", ed_rule_sets)), "runs in Detection mode")
}

test_non_production_detection_allowed if {
	not ed_about(ed_denials(ed_policy("non-production", "Detection", ed_rule_sets)), "Detection mode")
}

test_missing_bot_rules_denied if {
	ed_about(ed_denials(ed_policy("production", "Prevention", [ed_rule_sets[0]])), "Microsoft_BotManagerRuleSet must be present")
}

test_logging_only_rule_set_denied if {
	rules := [{"type": "Microsoft_DefaultRuleSet", "version": "2.1", "action": "Log"}, ed_rule_sets[1]]
	ed_about(ed_denials(ed_policy("production", "Prevention", rules)), "Microsoft_DefaultRuleSet must be present with action Block")
}

test_public_origin_denied if {
	ed_about(ed_denials({"azurerm_cdn_frontdoor_origin": {"o": {"host_name": "20.1.2.3"}}}), "over Private Link")
}

test_domain_without_waf_denied if {
	resources := json.patch(ed_edge, [{"op": "replace", "path": "/azurerm_cdn_frontdoor_security_policy/sp/security_policies/firewall/association/domain", "value": []}])
	ed_about(ed_denials(resources), "served without the WAF")
}

test_old_tls_denied if {
	ed_about(ed_denials({"azurerm_cdn_frontdoor_custom_domain": {"d": {"tls": {"minimum_tls_version": "TLS10"}}}}), "TLS 1.2")
}
