package consent

import (
	"math"
	"strconv"
	"strings"
)

// MaxDays is the most days a period may name (about 270 years). Beyond
// about 106,751 days a time.Duration wraps around, and a retention of
// 213,904 days would become one of 393: such periods are refused instead.
const MaxDays = 100000

// ParseDays reads a cookie lifetime as an owner or a cookie database writes
// it ("395", "13 months", "2 years", "30 minutes", "session") as whole days,
// at most MaxDays. Anything shorter than a day but longer than the session
// counts as one day, so a lifetime is never understated.
func ParseDays(s string) (days int, session bool, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "session", "browser session", "end of session", "0":
		return 0, true, true
	case "":
		return 0, false, false
	}
	f := strings.Fields(s)
	if len(f) == 1 {
		if n, err := strconv.Atoi(f[0]); err == nil && n > 0 {
			if n > MaxDays {
				return 0, false, false
			}
			return n, false, true
		}
		// "13months", "1y"
		i := strings.IndexFunc(f[0], func(r rune) bool { return r < '0' || r > '9' })
		if i <= 0 {
			return 0, false, false
		}
		f = []string{f[0][:i], f[0][i:]}
	}
	if len(f) != 2 {
		return 0, false, false
	}
	n, err := strconv.ParseFloat(f[0], 64)
	if err != nil || n <= 0 {
		return 0, false, false
	}
	var per float64
	switch strings.TrimSuffix(f[1], "s") {
	case "second", "sec", "minute", "min", "m", "hour", "h":
		return 1, false, true
	case "day", "d":
		per = 1
	case "week", "w":
		per = 7
	case "month", "mo":
		per = 365.0 / 12
	case "year", "y", "yr":
		per = 365
	default:
		return 0, false, false
	}
	if days := math.Round(n * per); days <= MaxDays {
		return int(days), false, true
	}
	return 0, false, false
}
