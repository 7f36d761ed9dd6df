package main

import (
	"reflect"
	"regexp"
	"time"
)

// The report speaks one time zone, the desk's: some engines keep their
// instants in UTC (the warning board does), so before the Result is
// printed or saved every instant in it, and every RFC 3339 instant inside
// its texts (an obligation's deadline in a level change's evidence), moves
// to the desk's location.

var (
	timeType  = reflect.TypeFor[time.Time]()
	rfc3339Re = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})`)
)

// inZone moves every instant reachable from v (a pointer) to loc, in place:
// time.Time values in exported fields, slices, maps and pointers, and
// RFC 3339 instants written inside strings. Zero times stay zero.
func inZone(v any, loc *time.Location) { zoneValue(reflect.ValueOf(v), loc) }

func zoneValue(v reflect.Value, loc *time.Location) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			zoneValue(v.Elem(), loc)
		}
	case reflect.Struct:
		if v.Type() == timeType {
			if t := v.Interface().(time.Time); v.CanSet() && !t.IsZero() {
				v.Set(reflect.ValueOf(t.In(loc)))
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				zoneValue(v.Field(i), loc)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			zoneValue(v.Index(i), loc)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(iter.Value())
			zoneValue(e, loc)
			v.SetMapIndex(iter.Key(), e)
		}
	case reflect.String:
		if s := v.String(); v.CanSet() && rfc3339Re.MatchString(s) {
			v.SetString(zoneText(s, loc))
		}
	}
}

// zoneText rewrites the RFC 3339 instants inside s in loc.
func zoneText(s string, loc *time.Location) string {
	return rfc3339Re.ReplaceAllStringFunc(s, func(m string) string {
		t, err := time.Parse(time.RFC3339Nano, m)
		if err != nil {
			return m
		}
		return t.In(loc).Format(time.RFC3339)
	})
}
