package lib.quantity_test

import data.lib.quantity
import rego.v1

test_suffixes if {
	quantity.parse("500m") == 0.5
	quantity.parse("2") == 2
	quantity.parse("1.5") == 1.5
	quantity.parse(".5") == 0.5
	quantity.parse("128Mi") == 134217728
	quantity.parse("1Gi") == 1073741824
	quantity.parse("2Ti") == 2199023255552
	quantity.parse("1Ki") == 1024
	quantity.parse("2k") == 2000
	quantity.parse("1M") == 1000000
	quantity.parse("3G") == 3000000000
	quantity.parse("1E") == 1000000000000000000
}

test_exponents_and_numbers if {
	quantity.parse("1e3") == 1000
	quantity.parse("25E-2") == 0.25
	quantity.parse(4) == 4
	quantity.parse(0.25) == 0.25
}

test_milli_ratios_are_exact if quantity.parse("500m") / quantity.parse("100m") == 5

test_not_quantities if {
	not quantity.parse("1K")
	not quantity.parse("ten")
	not quantity.parse("1Gb")
	not quantity.parse("")
	not quantity.parse("1e999999999")
	not quantity.parse(true)
}
