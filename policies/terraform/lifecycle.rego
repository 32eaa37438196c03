# Stateful resources cannot be destroyed by a plan: losing them loses data or identity.
package main

import data.lib

deny contains msg if {
	some r in lib.all_resources
	r.type in data.stateful_resource_types
	not object.get(r.config, ["lifecycle", "prevent_destroy"], false)
	msg := sprintf("%s (%s): stateful resource without lifecycle.prevent_destroy", [r.path, r.type])
}
