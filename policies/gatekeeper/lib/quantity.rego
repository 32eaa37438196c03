# Kubernetes resource quantities as numbers in base units (cores, bytes), so that limits can be
# compared with maximums and with each other: "500m", "2", "1.5", "128Mi", "1Gi", "2k", "1e3", and
# plain YAML numbers. The grammar is the API server's (k8s.io/apimachinery/pkg/api/resource): a
# signed decimal, then at most one suffix: binary (Ki..Ei), decimal SI (m, k, M, G, T, P, E) or a
# decimal exponent (e3, E-2). Lower-case "k" only: "1K" is not a quantity. OPA's units.parse is
# not used because it accepts "1K" and treats every suffix but m/M case-insensitively.
package lib.quantity

import rego.v1

multipliers := {
	"": 1,
	"k": 1000,
	"M": 1000000,
	"G": 1000000000,
	"T": 1000000000000,
	"P": 1000000000000000,
	"E": 1000000000000000000,
	"Ki": 1024,
	"Mi": 1048576,
	"Gi": 1073741824,
	"Ti": 1099511627776,
	"Pi": 1125899906842624,
	"Ei": 1152921504606846976,
}

pattern := `^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$`

# The quantity as a number; undefined when the value is not a quantity.
parse(q) := q if is_number(q)

parse(q) := n if {
	is_string(q)
	[_, digits, suffix] := regex.find_all_string_submatch_n(pattern, trim_space(q), 1)[0]
	n := scaled(number(digits), suffix)
}

# Fractions divide (100/1000 is 0.1 exactly; 100 * 0.001 is not), the rest multiply.
scaled(n, "m") := n / 1000

scaled(n, suffix) := n * multipliers[suffix] if suffix != "m"

scaled(n, suffix) := n * power_of_ten(exponent) if {
	exponent := exponent_of(suffix)
	exponent >= 0
}

scaled(n, suffix) := n / power_of_ten(0 - exponent) if {
	exponent := exponent_of(suffix)
	exponent < 0
}

exponent_of(suffix) := to_number(substring(suffix, 1, -1)) if regex.match(`^[eE][+-]?[0-9]+$`, suffix)

# "1." and ".5" are quantities; to_number wants a digit on both sides of the point.
number(digits) := to_number(concat("", [sign(digits), lead(body), body, trail(body)])) if body := trim_left(digits, "+-")

sign(digits) := "-" if startswith(digits, "-")

else := ""

lead(body) := "0" if startswith(body, ".")

else := ""

trail(body) := "0" if endswith(body, ".")

else := ""

# Exponents beyond 10^18 are no resource anyone asks for; leaving them unparsed (undefined) also
# keeps a hostile "1e999999999" from building a billion-element array.
power_of_ten(e) := product([10 | some _ in numbers.range(1, e)]) if {
	e > 0
	e <= 18
}

power_of_ten(0) := 1
