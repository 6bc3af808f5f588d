package territory

import (
	"math"
	"strconv"
)

// ContrastWithWhite is the WCAG contrast ratio between the colour #rrggbb and
// white: the branding colour is used behind white text, so it must reach 4.5.
func ContrastWithWhite(hex string) float64 {
	if len(hex) != 7 {
		return 0
	}
	lum := 0.0
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return 0
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		lum += w * c
	}
	return 1.05 / (lum + 0.05)
}
