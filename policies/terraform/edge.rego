# The WAF edge (Azure Front Door): a profile that takes internet traffic must block what its WAF
# finds in production, run Microsoft's managed rule sets, reach its origins only over Private
# Link, and put every domain it serves behind the WAF policy.
package main

import data.lib

# The policy's own tier tag (TaggingAspect) says whether it guards production.
deny contains msg if {
	some p in lib.resources("azurerm_cdn_frontdoor_firewall_policy")
	production(p)
	p.config.mode != "Prevention"
	msg := sprintf("%s: the production WAF runs in %s mode; it must be Prevention (block what it detects)", [p.path, p.config.mode])
}

deny contains msg if {
	some p in lib.resources("azurerm_cdn_frontdoor_firewall_policy")
	object.get(p.config, "enabled", true) == false
	msg := sprintf("%s: the WAF policy is disabled", [p.path])
}

required_rule_sets := {"Microsoft_DefaultRuleSet", "Microsoft_BotManagerRuleSet"}

deny contains msg if {
	some p in lib.resources("azurerm_cdn_frontdoor_firewall_policy")
	some wanted in required_rule_sets
	not rule_set_blocks(p, wanted)
	msg := sprintf("%s: managed rule set %s must be present with action Block", [p.path, wanted])
}

rule_set_blocks(p, type) if {
	some r in object.get(p.config, "managed_rule", [])
	r.type == type
	r.action == "Block"
}

deny contains msg if {
	some o in lib.resources("azurerm_cdn_frontdoor_origin")
	not o.config.private_link.private_link_target_id
	msg := sprintf("%s: a Front Door origin must be reached over Private Link (private_link.private_link_target_id), never over the internet", [o.path])
}

# Every domain a route serves is associated with the WAF through a security policy.
deny contains msg if {
	some route in lib.resources("azurerm_cdn_frontdoor_route")
	some domain in object.get(route.config, "cdn_frontdoor_custom_domain_ids", [])
	not waf_covers(domain)
	msg := sprintf("%s: custom domain %s is served without the WAF (no security policy associates it)", [route.path, domain])
}

waf_covers(domain) if {
	some sp in lib.resources("azurerm_cdn_frontdoor_security_policy")
	some d in sp.config.security_policies.firewall.association.domain
	d.cdn_frontdoor_domain_id == domain
}

deny contains msg if {
	some d in lib.resources("azurerm_cdn_frontdoor_custom_domain")
	d.config.tls.minimum_tls_version != "TLS12"
	msg := sprintf("%s: custom domains require TLS 1.2 or later", [d.path])
}
