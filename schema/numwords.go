package schema

import "strings"

// NumberWords says n in Vietnamese words, as an amount is written out on
// a receipt: 1500000 is "một triệu năm trăm nghìn", 105 "một trăm linh
// năm", 21 "hai mươi mốt", 25 "hai mươi lăm". Groups after the first are
// said in full ("một triệu không trăm năm mươi nghìn"); a group of zeros
// is left out ("một triệu năm trăm"); past a tỷ the count of tỷ is said
// the same way ("một nghìn tỷ").
func NumberWords(n int64) string {
	switch {
	case n == 0:
		return "không"
	case n < 0:
		return "âm " + strings.Join(wordsOf(uint64(-(n+1))+1, true), " ")
	}
	return strings.Join(wordsOf(uint64(n), true), " ")
}

// wordsOf says n > 0; leading says the first group short, as a number
// begins ("năm trăm", but "không trăm năm mươi" after a larger group).
func wordsOf(n uint64, leading bool) []string {
	var out []string
	if n >= 1e9 {
		out = append(wordsOf(n/1e9, leading), "tỷ")
		n, leading = n%1e9, false
	}
	for _, g := range []struct {
		div  uint64
		name string
	}{{1e6, "triệu"}, {1e3, "nghìn"}, {1, ""}} {
		v := n / g.div % 1000
		if v == 0 {
			continue
		}
		out = append(out, hundreds(v, leading)...)
		if g.name != "" {
			out = append(out, g.name)
		}
		leading = false
	}
	return out
}

var digitWords = [10]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// hundreds says a group of three digits, 1 to 999; short leaves out
// "không trăm" when there are no hundreds.
func hundreds(v uint64, short bool) []string {
	h, t, u := v/100, v/10%10, v%10
	var out []string
	if h > 0 || !short {
		out = append(out, digitWords[h], "trăm")
	}
	switch {
	case t == 0 && u == 0:
	case t == 0 && len(out) > 0:
		out = append(out, "linh", digitWords[u])
	case t == 0:
		out = append(out, digitWords[u])
	case t == 1:
		out = append(out, "mười")
		out = append(out, unitAfterTen(u, false)...)
	default:
		out = append(out, digitWords[t], "mươi")
		out = append(out, unitAfterTen(u, true)...)
	}
	return out
}

// unitAfterTen says the units after "mười" or "mươi": lăm for 5, and
// after "mươi" mốt for 1 and tư for 4.
func unitAfterTen(u uint64, afterMuoi bool) []string {
	switch {
	case u == 0:
		return nil
	case u == 5:
		return []string{"lăm"}
	case u == 1 && afterMuoi:
		return []string{"mốt"}
	case u == 4 && afterMuoi:
		return []string{"tư"}
	}
	return []string{digitWords[u]}
}
