// Package civil converts between proleptic Gregorian dates and day numbers
// (days since 1970-01-01) without time.Time, for the calendar arithmetic of
// sla and sla/holidays (H. Hinnant's algorithms).
package civil

// Days returns the number of days from 1970-01-01 to y-m-d. Out-of-range
// months and days are normalised as time.Date normalises them: month 13 of
// 2026 is January 2027, day 0 is the last day of the month before.
func Days(y, m, d int64) int64 {
	m--
	y += FloorDiv(m, 12)
	m = m - FloorDiv(m, 12)*12 + 1
	if m <= 2 {
		y--
	}
	era := FloorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// Date is the inverse of Days: the year, month (1 to 12) and day of day
// number z.
func Date(z int64) (y, m, d int64) {
	z += 719468
	era := FloorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// FloorDiv returns a/b rounded towards negative infinity (b != 0).
func FloorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
